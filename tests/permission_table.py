"""Expected HTTP status per role for every URL pattern and every API operation.

`tests/test_permission_matrix.py` walks the URL resolver and the OpenAPI schema; an endpoint with no
entry here fails that test, and the failure message prints the statuses it observed as a ready entry
to review and paste. Each app appends its own block at the end of URLS / API (one block per app keeps
merges clean). Keys:

- URLS: the URL name (`namespace:name`), or the route for an unnamed pattern; a key ending in `*`
  covers every pattern whose name or route starts with the rest.
- API: (path as in the schema, method in lower case).

A value is a `Case` (or a list of them: several methods, or several objects). `Case.statuses` maps
each role to the status it must get — an int, or a frozenset when several are right (the admin's own
redirects). `Case.kwargs` fills the URL's parameters; a callable receives the `world` (objects built by
the WORLD builders below, e.g. a facility in town A and one in town B) and returns them, so that
"officer of town B gets 404 on town A's record" is one entry. For every write the test also checks
that a refused request (status ≥ 400) changed nothing (row count and checksum of every table). A
write that succeeds for one role changes the data the next role sees: give such a case
`kwargs=lambda world, role: {...}` (two parameters) and it is called per role, e.g. to make a fresh
object for each role's DELETE.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TOWN_A_CODE, TOWN_B_CODE = "500117001000", "500117002000"
ROLES = ("anonymous", "district_admin", "district_staff", "officer_a", "officer_b", "operator", "auditor")


def expect(default: int | frozenset, **per_role: int | frozenset) -> dict[str, int | frozenset]:
    unknown = set(per_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: per_role.get(role, default) for role in ROLES}


@dataclass
class Case:
    statuses: dict[str, int | frozenset]
    method: str = "get"
    kwargs: dict[str, Any] | Callable[[dict], dict[str, Any]] = field(default_factory=dict)
    query: str = ""
    data: dict | Callable[[dict], dict] | None = None  # a callable receives the world
    # Not requested at all (the reason is required): e.g. an endpoint that would end the session.
    skip: str = ""
    # Keys from the personal-field list that are public on this endpoint (a facility's own phone).
    public_keys: frozenset = frozenset()


# Common shapes.
PUBLIC = expect(200)
LOGIN_REQUIRED = expect(200, anonymous=302)
API_LOGIN_REQUIRED = expect(200, anonymous=401)
# The API refuses auditors outright (they read the audit log only): 403 before any record is looked
# up (`IsAuthenticatedNotAuditor`, the default permission). `auth/me` and the public views are open.
API_LIST = expect(200, anonymous=401, auditor=403)
AUDITOR_ONLY = expect(403, anonymous=302, auditor=200)
# The Django admin: only staff accounts get in (district administrators, provisioned with is_staff);
# everyone else is sent to the login. What a staff account then sees depends on its model permissions.
# The admin: anonymous → its login redirect; signed in but not a district administrator → 403; a
# district administrator (TOTP-verified) works with the model permissions of the administrators'
# group: 200, or a redirect after a post, 403 where the admin is read-only (audit log), 404/405.
ADMIN_USED = frozenset({200, 302, 403, 404, 405})
ADMIN = expect(403, anonymous=302, district_admin=ADMIN_USED)
FACILITY_CONTACT = frozenset({"address", "phone"})

# Objects the cases can point at: name → builder(cast) where cast maps each role to its user (the
# operator must be linked to a facility by the builder that makes one). Apps append their builders.
WORLD: dict[str, Callable[[dict], Any]] = {}

URLS: dict[str, Case | list[Case]] = {
    # --- foundation and security ---
    "finder:home": Case(PUBLIC),
    "healthz": Case(PUBLIC),
    "accounts:login": Case(expect(200, **{r: 302 for r in ROLES if r != "anonymous"})),
    "accounts:logout": [
        Case(expect(405), method="get"),
        Case(
            expect(302),
            method="post",
            skip="ends the session the other requests use; tested in test_security_auth",
        ),
    ],
    "accounts:reauth": Case(LOGIN_REQUIRED),
    "accounts:otp_setup": Case(LOGIN_REQUIRED),
    "accounts:download_status": Case(LOGIN_REQUIRED),
    # A background export's page and file: another user's (or an expired) job is not found.
    "accounts:export_job": Case(expect(404, anonymous=302), kwargs={"job": "0123456789abcdef"}),
    "accounts:export_file": Case(expect(404, anonymous=302), kwargs={"job": "0123456789abcdef"}),
    "set_language": [
        Case(expect(302), method="get"),
        Case(expect(302), method="post", data={"language": "zh-hans"}),
    ],
    "manage:home": Case(LOGIN_REQUIRED),
    "manage:audit": Case(AUDITOR_ONLY),
    "admin-login-redirect": Case(expect(302)),
    # The same path as the portal's redirect above (which comes first in urls.py).
    "admin:login": Case(expect(302)),
    "admin:index": Case(expect(403, anonymous=302, district_admin=200)),
    # A staff account may change its own password (same validators) and load the admin's translations.
    "admin:password_change": Case(expect(403, anonymous=302, district_admin=200)),
    "admin:password_change_done": Case(expect(403, anonymous=302, district_admin=200)),
    "admin:jsi18n": Case(expect(403, anonymous=302, district_admin=200)),
    "admin:*": Case(ADMIN),
    "admin/*": Case(ADMIN),
    # API pages outside the schema.
    "api-root": Case(API_LIST),
    "api-schema": Case(PUBLIC),
    "api-swagger": Case(PUBLIC),
}

API: dict[tuple[str, str], Case | list[Case]] = {
    # --- foundation and security ---
    ("/api/v1/auth/token/", "post"): Case(expect(400), data={"username": "nobody", "password": "wrong"}),
    ("/api/v1/auth/me/", "get"): Case(API_LOGIN_REQUIRED),
    # One's own tokens: every role lists them; nobody finds another's token to revoke.
    ("/api/v1/auth/tokens/", "get"): Case(API_LOGIN_REQUIRED),
    ("/api/v1/auth/tokens/{id}/", "delete"): Case(expect(404, anonymous=401), kwargs={"id": 999999}),
    ("/api/v1/areas/", "get"): Case(PUBLIC),
    ("/api/v1/areas/{code}/", "get"): [
        Case(PUBLIC, kwargs={"code": "500117001000"}),
        Case(expect(404), kwargs={"code": "999999999999"}),
    ],
}

# --- the world: objects in town A (the operator's facility) and town B, one builder per app ---
from . import matrix_world  # noqa: E402

WORLD.update(
    {
        "facilities": matrix_world.facilities,
        "residents": matrix_world.residents,
        "childcare": matrix_world.childcare,
        "monitoring": matrix_world.monitoring,
        "subsidies": matrix_world.subsidies,
        "overview": matrix_world.overview,
        "community": matrix_world.community,
    }
)


def obj(*path: str) -> Callable[[dict], dict[str, Any]]:
    """kwargs {"pk": world[path…].pk}: e.g. obj("facilities", "a") is town A's facility."""

    def kwargs(world):
        value = world
        for part in path:
            value = value[part]
        return {"pk": value.pk}

    return kwargs


# Shapes for a scoped record: in town A (and the operator's facility), or in town B. Staff pages send
# anonymous users to the login and refuse auditors (they read the audit log only).
IN_A = expect(200, anonymous=302, officer_b=404, auditor=403)
IN_B = expect(200, anonymous=302, officer_a=404, operator=404, auditor=403)
# Records operators never see (the household registry and what hangs off it): their pages refuse them.
REG_A = expect(200, anonymous=302, officer_b=404, operator=403, auditor=403)
REG_B = expect(200, anonymous=302, officer_a=404, operator=403, auditor=403)
STAFF_PAGE = expect(200, anonymous=302, auditor=403)  # every staff role, each sees its own scope
NO_OPERATOR = expect(200, anonymous=302, operator=403, auditor=403)
DISTRICT_ONLY = expect(403, anonymous=302, district_admin=200, district_staff=200)
ADMIN_ONLY = expect(403, anonymous=302, district_admin=200)
GET_405 = expect(405, anonymous=302)
# A form posted back to its page: redirected (302) in scope, 404 out of it.
POSTED_A = expect(302, officer_b=404, auditor=403)
POSTED_B = expect(302, officer_a=404, operator=404, auditor=403)  # POST-only views behind login_required
# The API: anonymous 401, auditors 403; out of scope 404.
API_IN_A = expect(200, anonymous=401, officer_b=404, auditor=403)
API_IN_B = expect(200, anonymous=401, officer_a=404, operator=404, auditor=403)

# --- facilities ---
SUSPEND = {"status": "suspended", "reason": "矩阵检查"}  # a real change: refused ones must not happen
URLS.update(
    {
        "finder:facility": [
            Case(PUBLIC, kwargs=obj("facilities", "a")),
            Case(expect(404), kwargs={"pk": 999999}),
            Case(expect(404), kwargs=obj("facilities", "closed")),  # the finder shows open facilities only
        ],
        # The residents' `near` search, a plain view (also in the API table, through the schema):
        # everyone alike, and without `near` the one 400 error body.
        "facility-near": Case(expect(400)),
        "facilities:list": Case(STAFF_PAGE),
        "facilities:create": [
            Case(NO_OPERATOR),
            Case(expect(200, anonymous=302, operator=403, auditor=403), method="post", data={}),
        ],
        "facilities:export": Case(STAFF_PAGE),
        "facilities:import": Case(NO_OPERATOR),
        # Another user's (or an expired) import job is not found; the refused roles never look.
        "facilities:import_job": Case(
            expect(404, anonymous=302, operator=403, auditor=403), kwargs={"job": "0123456789abcdef"}
        ),
        "facilities:import_discard": [
            Case(expect(404, anonymous=302, operator=403, auditor=403), kwargs={"job": "0123456789abcdef"}),
            Case(
                expect(404, anonymous=302, operator=403, auditor=403),
                method="post",
                kwargs={"job": "0123456789abcdef"},
            ),
        ],
        "facilities:coverage": Case(NO_OPERATOR),
        "facilities:coverage_refresh": [
            Case(GET_405),
            Case(DISTRICT_ONLY, method="post", skip="queues the coverage job; the refusals are below"),
            Case(expect(403, anonymous=302, district_admin=302, district_staff=302), method="post"),
        ],
        "facilities:detail": [
            Case(IN_A, kwargs=obj("facilities", "a")),
            Case(IN_B, kwargs=obj("facilities", "b")),
        ],
        "facilities:edit": [
            Case(IN_A, kwargs=obj("facilities", "a")),
            Case(IN_B, kwargs=obj("facilities", "b")),
            Case(IN_A, method="post", data={}, kwargs=obj("facilities", "a")),
            Case(IN_B, method="post", data={}, kwargs=obj("facilities", "b")),
        ],
        # An incomplete form goes back to the detail page with a message (302), nothing changed.
        "facilities:status": [
            Case(GET_405, kwargs=obj("facilities", "a")),
            Case({**POSTED_A, "operator": 403}, method="post", data=SUSPEND, kwargs=obj("facilities", "a")),
            Case({**POSTED_B, "operator": 403}, method="post", data=SUSPEND, kwargs=obj("facilities", "b")),
        ],
        "facilities:capacity": [
            Case(GET_405, kwargs=obj("facilities", "a")),
            Case(POSTED_A, method="post", data={"beds_total": -1}, kwargs=obj("facilities", "a")),
            Case(POSTED_B, method="post", data={"beds_total": -1}, kwargs=obj("facilities", "b")),
        ],
    }
)
API.update(
    {
        # A facility's own address and phone are public (the finder shows them), not personal data.
        ("/api/v1/facilities/", "get"): Case(PUBLIC, public_keys=FACILITY_CONTACT),
        # The residents' search: everyone, public rows only (without `near`: "facility-near" above).
        ("/api/v1/facilities/near/", "get"): Case(
            PUBLIC, query="near=106.27,30.0&radius=50000", public_keys=FACILITY_CONTACT
        ),
        ("/api/v1/facilities/", "post"): Case(expect(400, anonymous=401, operator=403, auditor=403), data={}),
        # Anonymous callers get the public record of any facility; signed-in staff their scope's.
        ("/api/v1/facilities/{id}/", "get"): [
            Case(
                {**PUBLIC, "officer_b": 404},
                kwargs=lambda w: {"id": w["facilities"]["a"].pk},
                public_keys=FACILITY_CONTACT,
            ),
            Case(
                {**PUBLIC, "officer_a": 404, "operator": 404},
                kwargs=lambda w: {"id": w["facilities"]["b"].pk},
                public_keys=FACILITY_CONTACT,
            ),
            # A closed facility: the registry in scope has it, the public view does not.
            Case(
                expect(200, anonymous=404, officer_b=404, operator=404, auditor=404),
                kwargs=lambda w: {"id": w["facilities"]["closed"].pk},
            ),
        ],
        ("/api/v1/facilities/{id}/", "put"): [
            # An operator's serializer holds only the optional capacity fields: an empty PUT is a no-op.
            Case(
                expect(400, anonymous=401, officer_b=404, operator=200, auditor=403),
                data={},
                kwargs=lambda w: {"id": w["facilities"]["a"].pk},
            ),
            Case(
                expect(400, anonymous=401, officer_a=404, operator=404, auditor=403),
                data={},
                kwargs=lambda w: {"id": w["facilities"]["b"].pk},
            ),
        ],
        ("/api/v1/facilities/{id}/", "patch"): [
            Case(
                expect(400, anonymous=401, officer_b=404, auditor=403),
                data={"beds_total": -1},
                kwargs=lambda w: {"id": w["facilities"]["a"].pk},
            ),
            Case(
                expect(400, anonymous=401, officer_a=404, operator=404, auditor=403),
                data={"beds_total": -1},
                kwargs=lambda w: {"id": w["facilities"]["b"].pk},
            ),
        ],
        ("/api/v1/facilities/{id}/status/", "post"): [
            Case(
                expect(400, anonymous=401, officer_b=404, operator=403, auditor=403),
                data={},
                kwargs=lambda w: {"id": w["facilities"]["a"].pk},
            ),
            Case(
                expect(400, anonymous=401, officer_a=404, operator=404, auditor=403),
                data={},
                kwargs=lambda w: {"id": w["facilities"]["b"].pk},
            ),
        ],
        ("/api/v1/facilities/coverage/", "get"): Case(expect(200, anonymous=401, operator=403, auditor=403)),
        ("/api/v1/facilities/geojson/", "get"): Case(PUBLIC),
    }
)

# --- residents (the household registry: operators never see it) ---
REVEAL = {"reason": "核对高龄津贴资格"}
REG_POSTED_A = expect(302, officer_b=404, operator=403, auditor=403)
REG_POSTED_B = expect(302, officer_a=404, operator=403, auditor=403)
URLS.update(
    {
        "residents:search": Case(NO_OPERATOR),
        "residents:detail": [
            Case(REG_A, kwargs=obj("residents", "a")),
            Case(REG_B, kwargs=obj("residents", "b")),
        ],
        # Revealing needs a reason: without one the form comes back (400) and nothing is revealed.
        "residents:reveal": [
            Case(GET_405, kwargs=obj("residents", "a")),
            Case(
                {**REG_A, **dict.fromkeys(("district_admin", "district_staff", "officer_a"), 400)},
                method="post",
                data={},
                kwargs=obj("residents", "a"),
            ),
            Case(
                {**REG_B, **dict.fromkeys(("district_admin", "district_staff", "officer_b"), 400)},
                method="post",
                data={},
                kwargs=obj("residents", "b"),
            ),
            # With a reason: shown to those in scope (only the audit trail is written), 404 outside.
            Case(REG_A, method="post", data=REVEAL, kwargs=obj("residents", "a")),
            Case(REG_B, method="post", data=REVEAL, kwargs=obj("residents", "b")),
        ],
        "residents:quality": Case(NO_OPERATOR),
        # District staff read the import history; only the administrator uploads.
        "residents:imports": [Case(DISTRICT_ONLY), Case(ADMIN_ONLY, method="post", data={})],
        "residents:import_detail": Case(DISTRICT_ONLY, kwargs=obj("residents", "batch")),
        "residents:import_report": Case(DISTRICT_ONLY, kwargs=obj("residents", "batch")),
    }
)


# The allowance API: runs and payment-roll totals, district roles only (officers and operators get
# an empty list; auditors are refused).
DISTRICT_API_DETAIL = expect(404, anonymous=401, district_admin=200, district_staff=200, auditor=403)
API.update(
    {
        ("/api/v1/subsidies/runs/", "get"): Case(API_LIST),
        ("/api/v1/subsidies/runs/{id}/", "get"): Case(
            DISTRICT_API_DETAIL, kwargs=lambda w: {"id": w["subsidies"]["run"].pk}
        ),
        ("/api/v1/subsidies/payroll-periods/", "get"): Case(API_LIST),
        ("/api/v1/subsidies/payroll-periods/{id}/", "get"): Case(
            DISTRICT_API_DETAIL, kwargs=lambda w: {"id": w["subsidies"]["period"].pk}
        ),
    }
)

# --- subsidies (district administrators run the allowance; officers see their town's people) ---
MONTH = lambda w: {"month": w["subsidies"]["month"]}  # noqa: E731


def AWAY(key: str) -> Callable[[dict], dict[str, Any]]:  # noqa: N802 (reads like obj)
    """kwargs of a person's period away (issue 17): the person and the period."""
    return lambda w: {"pk": w["subsidies"][key]["resident"].pk, "away_pk": w["subsidies"][key]["away"].pk}


URLS.update(
    {
        "subsidies:dashboard": Case(NO_OPERATOR),
        "subsidies:runs": [
            Case(DISTRICT_ONLY),
            # Only the district administrator starts a run (an empty form is sent back with a message).
            Case(expect(403, anonymous=302, district_admin=302), method="post", data={}),
        ],
        "subsidies:policies": Case(DISTRICT_ONLY),
        "subsidies:policy_create": [Case(ADMIN_ONLY), Case(ADMIN_ONLY, method="post", data={})],
        "subsidies:policy_edit": [
            Case(ADMIN_ONLY, kwargs=obj("subsidies", "policy")),
            Case(ADMIN_ONLY, method="post", data={}, kwargs=obj("subsidies", "policy")),
        ],
        "subsidies:payroll": Case(DISTRICT_ONLY),
        "subsidies:payroll_detail": Case(DISTRICT_ONLY, kwargs=MONTH),
        "subsidies:payroll_close": [
            # GET and an unconfirmed POST show the summary to confirm (issue 20); only confirm=yes closes
            Case(ADMIN_ONLY, kwargs=MONTH),
            Case(ADMIN_ONLY, method="post", kwargs=MONTH),
        ],
        # District roles start a background export and go to its page (accounts:export_job).
        "subsidies:payroll_export": Case(
            expect(403, anonymous=302, district_admin=302, district_staff=302), kwargs=MONTH
        ),
        "subsidies:overpayments": Case(NO_OPERATOR),
        "subsidies:overpayments_export": Case(DISTRICT_ONLY),
        "subsidies:overpayment_status": [
            Case(GET_405, kwargs=obj("subsidies", "a", "overpayment")),
            Case(
                expect(403, anonymous=302, district_admin=302),
                method="post",
                data={"status": "waived"},
                kwargs=obj("subsidies", "a", "overpayment"),
            ),
            Case(
                expect(403, anonymous=302, district_admin=302),
                method="post",
                data={"status": "waived"},
                kwargs=obj("subsidies", "b", "overpayment"),
            ),
        ],
        "subsidies:person": [
            Case(REG_A, kwargs=obj("subsidies", "a", "resident")),
            Case(REG_B, kwargs=obj("subsidies", "b", "resident")),
        ],
        "subsidies:person_review": [
            Case(GET_405, kwargs=obj("subsidies", "a", "resident")),
            Case(
                REG_POSTED_A,
                method="post",
                data={"note": "矩阵复核"},
                kwargs=obj("subsidies", "a", "resident"),
            ),
            Case(
                REG_POSTED_B,
                method="post",
                data={"note": "矩阵复核"},
                kwargs=obj("subsidies", "b", "resident"),
            ),
        ],
        "subsidies:person_decide": [
            Case(GET_405, kwargs=obj("subsidies", "a", "resident")),
            Case(
                expect(403, anonymous=302, district_admin=302, officer_b=404),
                method="post",
                data={},
                kwargs=obj("subsidies", "a", "resident"),
            ),
            Case(
                expect(403, anonymous=302, district_admin=302, officer_a=404),
                method="post",
                data={},
                kwargs=obj("subsidies", "b", "resident"),
            ),
        ],
        "subsidies:person_automatic": [
            Case(GET_405, kwargs=obj("subsidies", "a", "resident")),
            Case(
                expect(403, anonymous=302, district_admin=302, officer_b=404),
                method="post",
                data={},
                kwargs=obj("subsidies", "a", "resident"),
            ),
            Case(
                expect(403, anonymous=302, district_admin=302, officer_a=404),
                method="post",
                data={},
                kwargs=obj("subsidies", "b", "resident"),
            ),
        ],
        "subsidies:person_move_in": [
            Case(GET_405, kwargs=AWAY("a")),
            Case(
                expect(403, anonymous=302, district_admin=302, officer_b=404),
                method="post",
                data={},
                kwargs=AWAY("a"),
            ),
            Case(
                expect(403, anonymous=302, district_admin=302, officer_a=404),
                method="post",
                data={},
                kwargs=AWAY("b"),
            ),
        ],
        "subsidies:edges": Case(DISTRICT_ONLY),
        "subsidies:reviews": Case(NO_OPERATOR),
        "subsidies:simulate": Case(DISTRICT_ONLY),
    }
)

# --- childcare (screening data: district roles and the childcare facility only, never officers) ---
CC = lambda key, name: obj("childcare", key, name)  # noqa: E731
CLASS_UPDATE = {"action": "update", "capacity": 2, "caregivers": 1}
STAFF_GET_405 = expect(405, anonymous=302, auditor=403)  # POST-only behind the staff-page check
SCREENING_A = expect(200, anonymous=302, officer_a=404, officer_b=404, auditor=403)
SCREENING_B = expect(200, anonymous=302, officer_a=404, officer_b=404, operator=404, auditor=403)


def api_obj(*path: str) -> Callable[[dict], dict[str, Any]]:
    """As `obj`, for the schema's `{id}` parameter."""
    return lambda world: {"id": obj(*path)(world)["pk"]}


API_CREATE_400 = expect(400, anonymous=401, auditor=403)  # an empty body: refused before any write
API_SCREENING_A = expect(200, anonymous=401, officer_a=404, officer_b=404, auditor=403)
API_SCREENING_B = expect(200, anonymous=401, officer_a=404, officer_b=404, operator=404, auditor=403)
URLS.update(
    {
        "childcare:overview": Case(STAFF_PAGE),
        "childcare:class_list": Case(STAFF_PAGE),
        "childcare:class_detail": [
            Case(IN_A, kwargs=CC("a", "klass")),
            Case(IN_B, kwargs=CC("b", "klass")),
            # A real update (capacity 1 → 2): in scope it saves and redirects; out of scope 404.
            Case(POSTED_A, method="post", data=CLASS_UPDATE, kwargs=CC("a", "klass")),
            Case(POSTED_B, method="post", data=CLASS_UPDATE, kwargs=CC("b", "klass")),
        ],
        # A real withdrawal: the first role in scope ends it, the next in scope are told it has ended
        # (302 both); out of scope 404 and the enrolment stays.
        "childcare:enrolment_withdraw": [
            Case(STAFF_GET_405, kwargs=CC("a", "enrolment")),
            Case(POSTED_A, method="post", kwargs=CC("a", "enrolment")),
            Case(POSTED_B, method="post", kwargs=CC("b", "enrolment")),
        ],
        "childcare:waitlist_accept": [
            Case(STAFF_GET_405, kwargs=CC("a", "waitlist")),
            Case(POSTED_A, method="post", kwargs=CC("a", "waitlist")),
            Case(POSTED_B, method="post", kwargs=CC("b", "waitlist")),
        ],
        "childcare:child_list": Case(STAFF_PAGE),
        "childcare:child_create": [Case(STAFF_PAGE), Case(STAFF_PAGE, method="post", data={})],
        "childcare:child_detail": [Case(IN_A, kwargs=CC("a", "child")), Case(IN_B, kwargs=CC("b", "child"))],
        "childcare:checkup_list": Case(STAFF_PAGE),
        "childcare:checkup_record": [
            Case(STAFF_GET_405, kwargs=CC("a", "checkup")),
            Case(
                {**SCREENING_A, "district_admin": 302, "district_staff": 302, "operator": 302},
                method="post",
                data={},
                kwargs=CC("a", "checkup"),
            ),
            Case(
                {**SCREENING_B, "district_admin": 302, "district_staff": 302, "operator": 404},
                method="post",
                data={},
                kwargs=CC("b", "checkup"),
            ),
        ],
        "childcare:overdue": Case(STAFF_PAGE),
        "childcare:to_move": Case(STAFF_PAGE),
        "childcare:vouchers": Case(STAFF_PAGE),
    }
)
API.update(
    {
        ("/api/v1/childcare/classes/", "get"): Case(API_LIST),
        ("/api/v1/childcare/classes/", "post"): Case(API_CREATE_400, data={}),
        ("/api/v1/childcare/classes/{id}/", "get"): [
            Case(API_IN_A, kwargs=api_obj("childcare", "a", "klass")),
            Case(API_IN_B, kwargs=api_obj("childcare", "b", "klass")),
        ],
        ("/api/v1/childcare/classes/{id}/", "patch"): [
            Case(
                {
                    **API_IN_A,
                    **dict.fromkeys(("district_admin", "district_staff", "officer_a", "operator"), 400),
                },
                data={"capacity": -1},
                kwargs=api_obj("childcare", "a", "klass"),
            ),
            Case(
                {
                    **API_IN_B,
                    **dict.fromkeys(("district_admin", "district_staff", "officer_b"), 400),
                },
                data={"capacity": -1},
                kwargs=api_obj("childcare", "b", "klass"),
            ),
        ],
        ("/api/v1/childcare/children/", "get"): Case(API_LIST),
        ("/api/v1/childcare/children/", "post"): Case(API_CREATE_400, data={}),
        ("/api/v1/childcare/children/{id}/", "get"): [
            Case(API_IN_A, kwargs=api_obj("childcare", "a", "child")),
            Case(API_IN_B, kwargs=api_obj("childcare", "b", "child")),
        ],
        ("/api/v1/childcare/enrolments/", "get"): Case(API_LIST),
        ("/api/v1/childcare/enrolments/", "post"): Case(API_CREATE_400, data={}),
        ("/api/v1/childcare/enrolments/{id}/", "get"): [
            Case(API_IN_A, kwargs=api_obj("childcare", "a", "enrolment")),
            Case(API_IN_B, kwargs=api_obj("childcare", "b", "enrolment")),
        ],
        ("/api/v1/childcare/enrolments/{id}/withdraw/", "post"): [
            Case(
                {
                    **API_IN_A,
                    **dict.fromkeys(("district_staff", "officer_a", "operator"), 409),
                },
                data={},
                kwargs=api_obj("childcare", "a", "enrolment"),
            ),
            Case(
                {**API_IN_B, **dict.fromkeys(("district_staff", "officer_b"), 409)},
                data={},
                kwargs=api_obj("childcare", "b", "enrolment"),
            ),
        ],
        ("/api/v1/childcare/waitlist/", "get"): Case(API_LIST),
        ("/api/v1/childcare/waitlist/", "post"): Case(API_CREATE_400, data={}),
        ("/api/v1/childcare/waitlist/{id}/", "get"): [
            Case(API_IN_A, kwargs=api_obj("childcare", "a", "waitlist")),
            Case(API_IN_B, kwargs=api_obj("childcare", "b", "waitlist")),
        ],
        ("/api/v1/childcare/waitlist/{id}/accept/", "post"): [
            Case(
                {
                    **API_IN_A,
                    **dict.fromkeys(("district_admin", "district_staff", "officer_a", "operator"), 409),
                },
                data={},
                kwargs=api_obj("childcare", "a", "waitlist"),
            ),
            Case(
                {
                    **API_IN_B,
                    **dict.fromkeys(("district_admin", "district_staff", "officer_b"), 409),
                },
                data={},
                kwargs=api_obj("childcare", "b", "waitlist"),
            ),
        ],
        ("/api/v1/childcare/checkups/", "get"): Case(API_LIST),
        ("/api/v1/childcare/checkups/{id}/", "get"): [
            Case(API_SCREENING_A, kwargs=api_obj("childcare", "a", "checkup")),
            Case(API_SCREENING_B, kwargs=api_obj("childcare", "b", "checkup")),
        ],
        ("/api/v1/childcare/checkups/{id}/record/", "post"): [
            Case(
                {
                    **API_SCREENING_A,
                    **dict.fromkeys(("district_admin", "district_staff", "operator"), 400),
                },
                data={},
                kwargs=api_obj("childcare", "a", "checkup"),
            ),
            Case(
                {
                    **API_SCREENING_B,
                    **dict.fromkeys(("district_admin", "district_staff"), 400),
                },
                data={},
                kwargs=api_obj("childcare", "b", "checkup"),
            ),
        ],
        ("/api/v1/childcare/follow-ups/", "get"): Case(API_LIST),
        ("/api/v1/childcare/follow-ups/{id}/", "get"): [
            Case(API_SCREENING_A, kwargs=api_obj("childcare", "a", "follow_up")),
            Case(API_SCREENING_B, kwargs=api_obj("childcare", "b", "follow_up")),
        ],
        # Completed today when no date is given: a real write for those in scope, refused for the rest.
        ("/api/v1/childcare/follow-ups/{id}/complete/", "post"): [
            Case(API_SCREENING_A, data={}, kwargs=api_obj("childcare", "a", "follow_up")),
            Case(API_SCREENING_B, data={}, kwargs=api_obj("childcare", "b", "follow_up")),
        ],
        ("/api/v1/childcare/vouchers/redeem/", "post"): Case(API_CREATE_400, data={}),
        ("/api/v1/childcare/stats/places/", "get"): Case(expect(200, anonymous=401, auditor=403)),
    }
)

# --- monitoring (inspections: district staff and officers inspect, operators answer findings) ---
MO = lambda key, name: obj("monitoring", key, name)  # noqa: E731
INSPECTOR_A = REG_A  # inspectors only: operators refused outright
INSPECTOR_B = REG_B
NOT_FOUND_STAFF = expect(404, anonymous=302, auditor=403)
# Records operators never see through the API (plans, visits): their queryset is empty.
API_TOWN_A = expect(200, anonymous=401, officer_b=404, operator=404, auditor=403)
API_TOWN_B = expect(200, anonymous=401, officer_a=404, operator=404, auditor=403)
URLS.update(
    {
        "monitoring:index": Case(STAFF_PAGE),
        "monitoring:inspection_list": Case(STAFF_PAGE),
        "monitoring:inspection_export": Case(STAFF_PAGE),
        "monitoring:inspection_new": [Case(NO_OPERATOR), Case(NO_OPERATOR, method="post", data={})],
        "monitoring:inspection_detail": [
            Case(IN_A, kwargs=MO("a", "inspection")),
            Case(IN_B, kwargs=MO("b", "inspection")),
        ],
        "monitoring:inspection_record": [
            Case(INSPECTOR_A, kwargs=MO("a", "inspection")),
            Case(INSPECTOR_B, kwargs=MO("b", "inspection")),
            Case(INSPECTOR_A, method="post", data={}, kwargs=MO("a", "inspection")),
            Case(INSPECTOR_B, method="post", data={}, kwargs=MO("b", "inspection")),
        ],
        # require_POST sits outside the login check here: a GET is 405 even for anonymous callers.
        "monitoring:inspection_cancel": [
            Case(expect(405), kwargs=MO("a", "inspection")),
            Case(REG_POSTED_A, method="post", data={"reason": "矩阵取消"}, kwargs=MO("a", "inspection")),
            Case(REG_POSTED_B, method="post", data={"reason": "矩阵取消"}, kwargs=MO("b", "inspection")),
        ],
        "monitoring:photo": [
            Case(IN_A, kwargs=MO("a", "photo")),
            Case(IN_B, kwargs=MO("b", "photo")),
            Case(NOT_FOUND_STAFF, kwargs={"pk": 999999}),
        ],
        "monitoring:evidence": [
            Case(IN_A, kwargs=MO("a", "evidence")),
            Case(IN_B, kwargs=MO("b", "evidence")),
            Case(NOT_FOUND_STAFF, kwargs={"pk": 999999}),
        ],
        "monitoring:finding_list": Case(STAFF_PAGE),
        "monitoring:finding_escalated": Case(DISTRICT_ONLY),
        "monitoring:finding_detail": [
            Case(IN_A, kwargs=MO("a", "finding")),
            Case(IN_B, kwargs=MO("b", "finding")),
            # Submitting evidence is the operator's step (an incomplete form comes back, 200); for
            # everyone else in scope it is not an allowed action (403).
            Case(
                expect(403, anonymous=302, operator=200, officer_b=404),
                method="post",
                data={"step": "submit"},
                kwargs=MO("a", "finding"),
            ),
            Case(
                expect(403, anonymous=302, operator=404, officer_a=404),
                method="post",
                data={"step": "submit"},
                kwargs=MO("b", "finding"),
            ),
        ],
        "monitoring:plan_list": Case(NO_OPERATOR),
        "monitoring:plan_new": [Case(NO_OPERATOR), Case(NO_OPERATOR, method="post", data={})],
        "monitoring:plan_detail": [
            Case(INSPECTOR_A, kwargs=MO("a", "plan")),
            Case(INSPECTOR_B, kwargs=MO("b", "plan")),
            Case(INSPECTOR_A, method="post", data={}, kwargs=MO("a", "plan")),
            Case(INSPECTOR_B, method="post", data={}, kwargs=MO("b", "plan")),
        ],
        "monitoring:due_list": Case(NO_OPERATOR),
        "monitoring:refresh_risk": [
            Case(expect(405)),
            Case(expect(403, anonymous=302, district_admin=302, district_staff=302), method="post"),
        ],
        "monitoring:staff_overview": Case(STAFF_PAGE),
        "monitoring:staff_facility": [
            Case(IN_A, kwargs=MO("a", "facility")),
            Case(IN_B, kwargs=MO("b", "facility")),
            Case(IN_A, method="post", data={}, kwargs=MO("a", "facility")),
            Case(IN_B, method="post", data={}, kwargs=MO("b", "facility")),
        ],
        "monitoring:visit_due": Case(NO_OPERATOR),
        "monitoring:visit_new": [
            Case(INSPECTOR_A, kwargs=lambda w: {"resident_pk": w["monitoring"]["a"]["resident"].pk}),
            Case(INSPECTOR_B, kwargs=lambda w: {"resident_pk": w["monitoring"]["b"]["resident"].pk}),
            Case(
                INSPECTOR_A,
                method="post",
                data={},
                kwargs=lambda w: {"resident_pk": w["monitoring"]["a"]["resident"].pk},
            ),
            Case(
                INSPECTOR_B,
                method="post",
                data={},
                kwargs=lambda w: {"resident_pk": w["monitoring"]["b"]["resident"].pk},
            ),
        ],
        "monitoring:visit_rates": Case(NO_OPERATOR),
        "monitoring:visit_rates_export": Case(NO_OPERATOR),
    }
)
API.update(
    {
        ("/api/v1/monitoring/templates/", "get"): Case(API_LIST),
        ("/api/v1/monitoring/templates/{id}/", "get"): Case(
            API_LIST, kwargs=lambda w: {"id": w["monitoring"]["a"]["inspection"].template_id}
        ),
        ("/api/v1/monitoring/plans/", "get"): Case(API_LIST),
        ("/api/v1/monitoring/plans/", "post"): Case(
            expect(201, anonymous=401, operator=403, auditor=403),
            data={
                "name": "矩阵计划",
                "topic": "fire_safety",
                "starts_on": "2026-12-01",
                "ends_on": "2026-12-31",
            },
        ),
        ("/api/v1/monitoring/plans/{id}/", "get"): [
            Case(API_TOWN_A, kwargs=api_obj("monitoring", "a", "plan")),
            Case(API_TOWN_B, kwargs=api_obj("monitoring", "b", "plan")),
        ],
        # The first draw in scope succeeds with the plan's defaults; a second is refused (409).
        ("/api/v1/monitoring/plans/{id}/draw/", "post"): [
            Case(
                {**API_TOWN_A, "district_admin": 201, "district_staff": 409, "officer_a": 409},
                data={},
                kwargs=api_obj("monitoring", "a", "plan"),
            ),
            Case(
                {**API_TOWN_B, "district_admin": 201, "district_staff": 409, "officer_b": 409},
                data={},
                kwargs=api_obj("monitoring", "b", "plan"),
            ),
        ],
        ("/api/v1/monitoring/inspections/", "get"): Case(API_LIST),
        ("/api/v1/monitoring/inspections/", "post"): [
            Case(
                # An operator is no inspector (403); an auditor is refused by the API itself (403).
                expect(201, anonymous=401, officer_b=404, operator=403, auditor=403),
                data=lambda w: {
                    "facility": w["monitoring"]["a"]["facility"].pk,
                    "topic": "fire_safety",
                    "due_on": "2026-12-20",
                },
            ),
            Case(
                expect(201, anonymous=401, officer_a=404, operator=404, auditor=403),
                data=lambda w: {
                    "facility": w["monitoring"]["b"]["facility"].pk,
                    "topic": "fire_safety",
                    "due_on": "2026-12-20",
                },
            ),
        ],
        ("/api/v1/monitoring/inspections/{id}/", "get"): [
            Case(API_IN_A, kwargs=api_obj("monitoring", "a", "inspection")),
            Case(API_IN_B, kwargs=api_obj("monitoring", "b", "inspection")),
        ],
        ("/api/v1/monitoring/inspections/{id}/record/", "post"): [
            # The inspector rule before the body: an operator is refused (403) whatever it sends;
            # those who may record get the empty body's 400.
            Case(
                {
                    **API_IN_A,
                    **dict.fromkeys(("district_admin", "district_staff", "officer_a"), 400),
                    "operator": 403,
                },
                data={},
                kwargs=api_obj("monitoring", "a", "inspection"),
            ),
            Case(
                {**API_IN_B, **dict.fromkeys(("district_admin", "district_staff", "officer_b"), 400)},
                data={},
                kwargs=api_obj("monitoring", "b", "inspection"),
            ),
        ],
        ("/api/v1/monitoring/findings/", "get"): Case(API_LIST),
        ("/api/v1/monitoring/findings/{id}/", "get"): [
            Case(API_IN_A, kwargs=api_obj("monitoring", "a", "finding")),
            Case(API_IN_B, kwargs=api_obj("monitoring", "b", "finding")),
        ],
        # Only the facility's operator submits evidence (403 for everyone else in scope, 404
        # outside); evidence is multipart, so the operator's JSON body is then refused (415).
        ("/api/v1/monitoring/findings/{id}/submit/", "post"): [
            Case(
                {
                    **API_IN_A,
                    **dict.fromkeys(("district_admin", "district_staff", "officer_a"), 403),
                    "operator": 415,
                },
                data={},
                kwargs=api_obj("monitoring", "a", "finding"),
            ),
            Case(
                {**API_IN_B, **dict.fromkeys(("district_admin", "district_staff", "officer_b"), 403)},
                data={},
                kwargs=api_obj("monitoring", "b", "finding"),
            ),
        ],
        # Reviewers (district staff, or the finding's drawn inspectors) get the empty body's 400;
        # the operator and an undrawn town officer are refused (403) before the body is read.
        ("/api/v1/monitoring/findings/{id}/review/", "post"): [
            Case(
                {
                    **API_IN_A,
                    **dict.fromkeys(("district_admin", "district_staff"), 400),
                    **dict.fromkeys(("officer_a", "operator"), 403),
                },
                data={},
                kwargs=api_obj("monitoring", "a", "finding"),
            ),
            Case(
                {**API_IN_B, **dict.fromkeys(("district_admin", "district_staff"), 400), "officer_b": 403},
                data={},
                kwargs=api_obj("monitoring", "b", "finding"),
            ),
        ],
        ("/api/v1/monitoring/visits/", "get"): Case(API_LIST),
        ("/api/v1/monitoring/visits/", "post"): [
            Case(
                expect(201, anonymous=401, officer_b=404, operator=404, auditor=403),
                data=lambda w: {
                    "resident": w["monitoring"]["a"]["resident"].pk,
                    "visited_on": "2026-11-25",
                    "method": "phone",
                    "condition": "good",
                },
            ),
            Case(
                expect(201, anonymous=401, officer_a=404, operator=404, auditor=403),
                data=lambda w: {
                    "resident": w["monitoring"]["b"]["resident"].pk,
                    "visited_on": "2026-11-25",
                    "method": "phone",
                    "condition": "good",
                },
            ),
        ],
        ("/api/v1/monitoring/visits/{id}/", "get"): [
            Case(API_TOWN_A, kwargs=api_obj("monitoring", "a", "visit")),
            Case(API_TOWN_B, kwargs=api_obj("monitoring", "b", "visit")),
        ],
    }
)

# --- overview (district figures; officers their own town; operators and auditors have no overview) ---
OVERVIEW = expect(200, anonymous=302, operator=404, auditor=404)
IND = "facilities_operating"
URLS.update(
    {
        "overview:report": Case(OVERVIEW),
        "overview:report-download": [
            Case(
                expect(404, anonymous=302, district_admin=200, district_staff=200),
                kwargs=obj("overview", "report"),
            ),
            Case(expect(404, anonymous=302), kwargs={"pk": 999999}),
        ],
        "overview:refresh": [
            Case(GET_405),
            Case(expect(404, anonymous=302, district_admin=302, district_staff=302), method="post"),
        ],
        # An officer is sent on to their own town's page.
        "overview:indicator": [
            Case({**OVERVIEW, "officer_a": 302, "officer_b": 302}, kwargs={"code": IND}),
            Case(expect(404, anonymous=302), kwargs={"code": "nothing"}),
        ],
        "overview:town": [
            Case({**OVERVIEW, "officer_b": 404}, kwargs={"code": IND, "town": TOWN_A_CODE}),
            Case({**OVERVIEW, "officer_a": 404}, kwargs={"code": IND, "town": TOWN_B_CODE}),
        ],
    }
)
API.update(
    {("/api/v1/overview/indicators/", "get"): Case(expect(200, anonymous=401, operator=404, auditor=403))}
)

# --- eldercare (assessments: district roles and town officers in scope; assessors record and sign) ---
from eldercare.tests import matrix_world as eldercare_world  # noqa: E402

WORLD["eldercare"] = eldercare_world.world
EC_ASSESSMENT = lambda key: lambda w: {"id": w["eldercare"][key]["assessment"].pk}  # noqa: E731
EC = lambda key, name: lambda w: {"pk": w["eldercare"][key][name].pk}  # noqa: E731
URLS.update(
    {
        "eldercare:index": [Case(NO_OPERATOR), Case(NO_OPERATOR, method="post", data={})],
        "eldercare:elder": [Case(REG_A, kwargs=EC("a", "resident")), Case(REG_B, kwargs=EC("b", "resident"))],
        # Nobody in the cast holds an assessor certificate.
        "eldercare:assess": [
            Case(expect(403, anonymous=302)),
            Case(expect(403, anonymous=302), method="post", data={}),
        ],
        "eldercare:assessment_detail": [
            Case(REG_A, kwargs=EC("a", "assessment")),
            Case(REG_B, kwargs=EC("b", "assessment")),
        ],
        "eldercare:assessment_sign": [
            Case(GET_405, kwargs=EC("a", "assessment")),
            Case(expect(403, anonymous=302, officer_b=404), method="post", kwargs=EC("a", "assessment")),
            Case(expect(403, anonymous=302, officer_a=404), method="post", kwargs=EC("b", "assessment")),
        ],
        "eldercare:to_assess": Case(NO_OPERATOR),
        "eldercare:support": Case(NO_OPERATOR),
        # Full ID numbers for the medical insurance bureau: district roles, after the password again.
        # District roles start a background export and go to its page (accounts:export_job).
        "eldercare:ltc_export": Case(expect(403, anonymous=302, district_admin=302, district_staff=302)),
    }
)
API.update(
    {
        # Only assessors (a valid certificate) and district roles grade; {} is then a 400.
        ("/api/v1/eldercare/assessments/preview/", "post"): Case(
            expect(403, anonymous=401, district_admin=400, district_staff=400), data={}
        ),
        ("/api/v1/eldercare/assessments/", "get"): Case(
            expect(200, anonymous=401, operator=403, auditor=403)
        ),
        # Nobody in the cast holds an assessor certificate: recording is refused before validation.
        ("/api/v1/eldercare/assessments/", "post"): Case(expect(403, anonymous=401), data={}),
        ("/api/v1/eldercare/assessments/{id}/", "get"): [
            Case(
                expect(200, anonymous=401, officer_b=404, operator=403, auditor=403),
                kwargs=EC_ASSESSMENT("a"),
            ),
            Case(
                expect(200, anonymous=401, officer_a=404, operator=403, auditor=403),
                kwargs=EC_ASSESSMENT("b"),
            ),
        ],
        ("/api/v1/eldercare/assessments/{id}/sign/", "post"): [
            Case(expect(403, anonymous=401, officer_b=404), method="post", kwargs=EC_ASSESSMENT("a")),
            Case(expect(403, anonymous=401, officer_a=404), method="post", kwargs=EC_ASSESSMENT("b")),
        ],
    }
)
# --- community (meals, claims, rolls, bathing and cleaning, time bank; issue 24) ---
CM = lambda key, name: obj("community", key, name)  # noqa: E731
CM_ROLL = {"month": "2026-12"}
URLS.update(
    {
        "community:index": Case(STAFF_PAGE),
        "community:meal_import": [Case(STAFF_PAGE), Case(STAFF_PAGE, method="post", data={})],
        "community:import_detail": [Case(IN_A, kwargs=CM("a", "batch")), Case(IN_B, kwargs=CM("b", "batch"))],
        "community:meal_new": [Case(STAFF_PAGE), Case(STAFF_PAGE, method="post", data={})],
        # Computing every canteen's claims is the district's.
        "community:claim_list": [Case(STAFF_PAGE), Case(DISTRICT_ONLY, method="post", data={})],
        "community:claim_detail": [
            Case(IN_A, kwargs=CM("a", "claim")),
            Case(IN_B, kwargs=CM("b", "claim")),
            Case(IN_A, method="post", data={}, kwargs=CM("a", "claim")),
        ],
        "community:roll_detail": [
            Case(DISTRICT_ONLY, kwargs=CM_ROLL),
            # No approved claims: the district is told so and sent back; nothing is written.
            Case(
                expect(403, anonymous=302, district_admin=302, district_staff=302),
                method="post",
                data={},
                kwargs=CM_ROLL,
            ),
        ],
        "community:roll_bank_file": Case(
            expect(403, anonymous=302, district_admin=404, district_staff=404), kwargs=CM_ROLL
        ),
        "community:care_list": Case(STAFF_PAGE),
        "community:care_new": [Case(STAFF_PAGE), Case(STAFF_PAGE, method="post", data={})],
        "community:care_callback": [
            Case(expect(405), kwargs=CM("a", "record")),
            Case(
                expect(302, officer_b=404, operator=403, auditor=403),
                method="post",
                data={},
                kwargs=CM("a", "record"),
            ),
            Case(
                expect(302, officer_a=404, operator=404, auditor=403),
                method="post",
                data={},
                kwargs=CM("b", "record"),
            ),
        ],
        "community:volunteer_list": Case(NO_OPERATOR),
        "community:volunteer_statement": [
            Case(
                expect(200, anonymous=302, officer_b=404, operator=404, auditor=403),
                kwargs=CM("a", "volunteer"),
            ),
            Case(IN_B, kwargs=CM("b", "volunteer")),
        ],
        # Time-bank and plan pages: an empty post is the form again with its errors (400).
        "community:volunteer_register": [
            Case(NO_OPERATOR),
            Case(expect(400, anonymous=302, operator=403, auditor=403), method="post", data={}),
        ],
        "community:service_list": [
            Case(NO_OPERATOR),
            Case(expect(400, anonymous=302, operator=403, auditor=403), method="post", data={}),
        ],
        # The first to confirm earns the hours; the rest are told it is confirmed (302 with a message).
        "community:service_confirm": [
            Case(expect(405), kwargs=lambda w: {"pk": w["community_services"]["a"]["service"].pk}),
            Case(
                expect(302, officer_b=404, operator=403, auditor=403),
                method="post",
                kwargs=lambda w: {"pk": w["community_services"]["a"]["service"].pk},
            ),
        ],
        "community:volunteer_hours": [
            Case(expect(200, anonymous=302, officer_b=404, operator=404, auditor=403), kwargs=CM("a", "volunteer")),
            Case(IN_B, kwargs=CM("b", "volunteer")),
            Case(
                expect(400, anonymous=302, officer_b=404, operator=404, auditor=403),
                method="post",
                data={},
                kwargs=CM("a", "volunteer"),
            ),
        ],
        # A visit's photo: whoever sees the visit (the provider's operators too).
        "community:care_photo": [Case(IN_A, kwargs=CM("a", "photo")), Case(IN_B, kwargs=CM("b", "photo"))],
        "community:care_plan_new": [
            Case(NO_OPERATOR),
            Case(expect(400, anonymous=302, operator=403, auditor=403), method="post", data={}),
        ],
    }
)

# --- eldercare support: family care beds and their claims, home adaptation, placements (issue 23) ---
WORLD["eldercare_support"] = eldercare_world.support
ES = lambda key, name: obj("eldercare_support", key, name)  # noqa: E731
ES_ID = lambda key, name: lambda w: {"id": w["eldercare_support"][key][name].pk}  # noqa: E731
# An empty post is an unbound form: the page again (operators manage no applications).
ES_EMPTY_FORM = NO_OPERATOR
URLS.update(
    {
        # Operators see the beds their facility serves and the elders it houses.
        "eldercare:bed_list": Case(STAFF_PAGE),
        "eldercare:bed_new": [Case(NO_OPERATOR), Case(ES_EMPTY_FORM, method="post", data={})],
        "eldercare:bed_detail": [
            Case(IN_A, kwargs=ES("a", "bed")),
            Case(IN_B, kwargs=ES("b", "bed")),
            # No step named: no form to use.
            Case(expect(403, anonymous=302, officer_b=404), method="post", data={}, kwargs=ES("a", "bed")),
        ],
        "eldercare:bed_photo": [
            Case(IN_A, kwargs=ES("a", "bed_photo")),
            Case(IN_B, kwargs=ES("b", "bed_photo")),
        ],
        "eldercare:bed_claims": [Case(STAFF_PAGE), Case(DISTRICT_ONLY, method="post", data={})],
        # The town's review (the district may act for a town): the first reviews, the rest are told
        # the claim is no longer waiting for review.
        "eldercare:bed_claim_action": [
            Case(GET_405, kwargs=ES("a", "claim")),
            Case(
                expect(302, officer_b=404, operator=403, auditor=403),
                method="post",
                data={},
                kwargs=ES("a", "claim"),
            ),
            Case(POSTED_B, method="post", data={}, kwargs=ES("b", "claim")),
        ],
        "eldercare:adaptation_list": Case(NO_OPERATOR),
        "eldercare:adaptation_new": [Case(NO_OPERATOR), Case(ES_EMPTY_FORM, method="post", data={})],
        "eldercare:adaptation_detail": [
            Case(REG_A, kwargs=ES("a", "case")),
            Case(REG_B, kwargs=ES("b", "case")),
            Case(expect(403, anonymous=302, officer_b=404), method="post", data={}, kwargs=ES("a", "case")),
        ],
        "eldercare:adaptation_photo": [
            Case(REG_A, kwargs=ES("a", "case_photo")),
            Case(REG_B, kwargs=ES("b", "case_photo")),
        ],
        "eldercare:placement_list": Case(STAFF_PAGE),
        "eldercare:placement_new": [Case(NO_OPERATOR), Case(ES_EMPTY_FORM, method="post", data={})],
        # No date: told so and sent back to the list; nothing is written.
        "eldercare:placement_end": [
            Case(GET_405, kwargs=ES("a", "placement")),
            Case(
                expect(302, officer_b=404, operator=403, auditor=403),
                method="post",
                data={},
                kwargs=ES("a", "placement"),
            ),
            Case(
                expect(302, officer_a=404, operator=403, auditor=403),
                method="post",
                data={},
                kwargs=ES("b", "placement"),
            ),
        ],
    }
)
ES_API_FORM = expect(400, anonymous=401, operator=403, auditor=403)
ES_API_A = expect(200, anonymous=401, officer_b=404, auditor=403)
ES_API_B = expect(200, anonymous=401, officer_a=404, operator=404, auditor=403)
API.update(
    {
        ("/api/v1/eldercare/care-beds/", "get"): Case(API_LIST),
        ("/api/v1/eldercare/care-beds/", "post"): Case(ES_API_FORM, method="post", data={}),
        ("/api/v1/eldercare/care-beds/{id}/", "get"): [
            Case(ES_API_A, kwargs=ES_ID("a", "bed")),
            Case(ES_API_B, kwargs=ES_ID("b", "bed")),
        ],
        ("/api/v1/eldercare/care-beds/{id}/agree/", "post"): [
            Case(
                expect(400, anonymous=401, officer_b=404, operator=403, auditor=403),
                method="post",
                data={},
                kwargs=ES_ID("a", "bed"),
            ),
            Case(
                expect(400, anonymous=401, officer_a=404, operator=404, auditor=403),
                method="post",
                data={},
                kwargs=ES_ID("b", "bed"),
            ),
        ],  # fmt: skip
        # The provider's operators (and district roles) record a bed's month; town officers do not.
        ("/api/v1/eldercare/care-beds/{id}/months/", "post"): [
            Case(
                expect(400, anonymous=401, officer_a=403, officer_b=404, auditor=403),
                method="post",
                data={},
                kwargs=ES_ID("a", "bed"),
            ),
            Case(
                expect(400, anonymous=401, officer_a=404, officer_b=403, operator=404, auditor=403),
                method="post",
                data={},
                kwargs=ES_ID("b", "bed"),
            ),
        ],  # fmt: skip
        ("/api/v1/eldercare/care-bed-claims/", "get"): Case(API_LIST),
        ("/api/v1/eldercare/care-bed-claims/{id}/", "get"): [
            Case(ES_API_A, kwargs=ES_ID("a", "claim")),
            Case(ES_API_B, kwargs=ES_ID("b", "claim")),
        ],
        # The first to review succeeds; the rest find it no longer waiting for review (400).
        ("/api/v1/eldercare/care-bed-claims/{id}/review/", "post"): [
            Case(
                expect(400, anonymous=401, district_admin=200, officer_b=404, operator=403, auditor=403),
                method="post",
                kwargs=ES_ID("a", "claim"),
            ),
            Case(
                expect(400, anonymous=401, district_admin=200, officer_a=404, operator=404, auditor=403),
                method="post",
                kwargs=ES_ID("b", "claim"),
            ),
        ],  # fmt: skip
        # Not yet reviewed: the district is told so (400); nobody else may approve.
        ("/api/v1/eldercare/care-bed-claims/{id}/approve/", "post"): [
            Case(
                expect(400, anonymous=401, officer_a=403, officer_b=404, operator=403, auditor=403),
                method="post",
                kwargs=ES_ID("a", "claim"),
            ),
            Case(
                expect(400, anonymous=401, officer_a=404, officer_b=403, operator=404, auditor=403),
                method="post",
                kwargs=ES_ID("b", "claim"),
            ),
        ],  # fmt: skip
        ("/api/v1/eldercare/care-bed-claims/build/", "post"): Case(
            expect(403, anonymous=401, district_admin=400, district_staff=400), method="post", data={}
        ),
        ("/api/v1/eldercare/care-bed-claims/pay/", "post"): Case(
            expect(403, anonymous=401, district_admin=400), method="post", data={}
        ),
        ("/api/v1/eldercare/adaptations/", "get"): Case(
            expect(200, anonymous=401, operator=403, auditor=403)
        ),
        ("/api/v1/eldercare/adaptations/", "post"): Case(ES_API_FORM, method="post", data={}),
        ("/api/v1/eldercare/adaptations/{id}/", "get"): [
            Case(
                expect(200, anonymous=401, officer_b=404, operator=403, auditor=403),
                kwargs=ES_ID("a", "case"),
            ),
            Case(
                expect(200, anonymous=401, officer_a=404, operator=403, auditor=403),
                kwargs=ES_ID("b", "case"),
            ),
        ],
        **{
            (f"/api/v1/eldercare/adaptations/{{id}}/{step}/", "post"): [
                Case(
                    expect(400, anonymous=401, officer_b=404, operator=403, auditor=403),
                    method="post",
                    data={},
                    kwargs=ES_ID("a", "case"),
                ),
                Case(
                    expect(400, anonymous=401, officer_a=404, operator=403, auditor=403),
                    method="post",
                    data={},
                    kwargs=ES_ID("b", "case"),
                ),
            ]  # fmt: skip
            for step in ("needs", "quote", "works")
        },
        ("/api/v1/eldercare/placements/", "get"): Case(API_LIST),
        ("/api/v1/eldercare/placements/", "post"): Case(ES_API_FORM, method="post", data={}),
        ("/api/v1/eldercare/placements/{id}/", "get"): [
            Case(ES_API_A, kwargs=ES_ID("a", "placement")),
            Case(ES_API_B, kwargs=ES_ID("b", "placement")),
        ],
        ("/api/v1/eldercare/placements/{id}/end/", "post"): [
            Case(
                expect(400, anonymous=401, officer_b=404, operator=403, auditor=403),
                method="post",
                data={},
                kwargs=ES_ID("a", "placement"),
            ),
            Case(
                expect(400, anonymous=401, officer_a=404, operator=404, auditor=403),
                method="post",
                data={},
                kwargs=ES_ID("b", "placement"),
            ),
        ],  # fmt: skip
        ("/api/v1/eldercare/guaranteed-beds/", "get"): Case(API_LIST),
    }
)

# --- community API (issue 24): policies, donations, claims, bathing records, the time bank ---
from community.tests import matrix_world as community_world  # noqa: E402

WORLD["community_services"] = community_world.volunteer_services
CM_ID = lambda key, name: lambda w: {"id": w["community"][key][name].pk}  # noqa: E731
CM_SVC = lambda key: lambda w: {"id": w["community_services"][key]["service"].pk}  # noqa: E731
CM_DISTRICT_FORM = expect(403, anonymous=401, district_admin=400, district_staff=400)
CM_MANAGER = expect(200, anonymous=401, operator=403, auditor=403)
CM_MANAGER_FORM = expect(400, anonymous=401, operator=403, auditor=403)
API.update(
    {
        ("/api/v1/community/policies/", "get"): Case(API_LIST),
        ("/api/v1/community/policies/", "post"): Case(CM_DISTRICT_FORM, method="post", data={}),
        ("/api/v1/community/donations/", "get"): Case(
            expect(403, anonymous=401, district_admin=200, district_staff=200)
        ),
        ("/api/v1/community/donations/", "post"): Case(CM_DISTRICT_FORM, method="post", data={}),
        ("/api/v1/community/claims/", "get"): Case(API_LIST),
        ("/api/v1/community/claims/{id}/", "get"): [
            Case(expect(200, anonymous=401, officer_b=404, auditor=403), kwargs=CM_ID("a", "claim")),
            Case(
                expect(200, anonymous=401, officer_a=404, operator=404, auditor=403),
                kwargs=CM_ID("b", "claim"),
            ),
        ],
        # The first to review succeeds; the rest find it no longer a draft (409).
        ("/api/v1/community/claims/{id}/review/", "post"): [
            Case(
                expect(409, anonymous=401, district_admin=200, officer_b=404, operator=403, auditor=403),
                method="post",
                data={},
                kwargs=CM_ID("a", "claim"),
            ),
            Case(
                expect(409, anonymous=401, district_admin=200, officer_a=404, operator=404, auditor=403),
                method="post",
                data={},
                kwargs=CM_ID("b", "claim"),
            ),
        ],  # fmt: skip
        ("/api/v1/community/claims/{id}/approve/", "post"): [
            Case(
                expect(409, anonymous=401, officer_a=403, officer_b=404, operator=403, auditor=403),
                method="post",
                data={},
                kwargs=CM_ID("a", "claim"),
            ),
            Case(
                expect(409, anonymous=401, officer_a=404, officer_b=403, operator=404, auditor=403),
                method="post",
                data={},
                kwargs=CM_ID("b", "claim"),
            ),
        ],  # fmt: skip
        ("/api/v1/community/claims/{id}/return/", "post"): [  # a draft is not returned
            Case(
                expect(409, anonymous=401, officer_b=404, operator=403, auditor=403),
                method="post",
                data={},
                kwargs=CM_ID("a", "claim"),
            ),
            Case(
                expect(409, anonymous=401, officer_a=404, operator=404, auditor=403),
                method="post",
                data={},
                kwargs=CM_ID("b", "claim"),
            ),
        ],  # fmt: skip
        ("/api/v1/community/care-records/", "get"): Case(API_LIST),
        ("/api/v1/community/care-records/{id}/", "get"): [
            Case(expect(200, anonymous=401, officer_b=404, auditor=403), kwargs=CM_ID("a", "record")),
            Case(
                expect(200, anonymous=401, officer_a=404, operator=404, auditor=403),
                kwargs=CM_ID("b", "record"),
            ),
        ],
        ("/api/v1/community/care-records/{id}/callback/", "post"): [
            Case(
                expect(400, anonymous=401, officer_b=404, operator=403, auditor=403),
                method="post",
                data={},
                kwargs=CM_ID("a", "record"),
            ),
            Case(
                expect(400, anonymous=401, officer_a=404, operator=404, auditor=403),
                method="post",
                data={},
                kwargs=CM_ID("b", "record"),
            ),
        ],  # fmt: skip
        ("/api/v1/community/volunteers/", "get"): Case(CM_MANAGER),
        ("/api/v1/community/volunteers/", "post"): Case(CM_MANAGER_FORM, method="post", data={}),
        ("/api/v1/community/volunteers/{id}/", "get"): [
            Case(
                expect(200, anonymous=401, officer_b=404, operator=403, auditor=403),
                kwargs=CM_ID("a", "volunteer"),
            ),
            Case(
                expect(200, anonymous=401, officer_a=404, operator=403, auditor=403),
                kwargs=CM_ID("b", "volunteer"),
            ),
        ],
        ("/api/v1/community/volunteers/{id}/statement/", "get"): [
            Case(
                expect(200, anonymous=401, officer_b=404, operator=403, auditor=403),
                kwargs=CM_ID("a", "volunteer"),
            ),
            Case(
                expect(200, anonymous=401, officer_a=404, operator=403, auditor=403),
                kwargs=CM_ID("b", "volunteer"),
            ),
        ],
        ("/api/v1/community/volunteer-services/", "get"): Case(CM_MANAGER),
        ("/api/v1/community/volunteer-services/", "post"): Case(CM_MANAGER_FORM, method="post", data={}),
        # The first to confirm earns the hours; the rest find it already confirmed.
        ("/api/v1/community/volunteer-services/{id}/confirm/", "post"): [
            Case(
                expect(409, anonymous=401, district_admin=200, officer_b=404, operator=403, auditor=403),
                method="post",
                kwargs=CM_SVC("a"),
            ),
            Case(
                expect(409, anonymous=401, district_admin=200, officer_a=404, operator=403, auditor=403),
                method="post",
                kwargs=CM_SVC("b"),
            ),
        ],  # fmt: skip
    }
)
URLS.update(
    {
        # Every working role reads the policies; the district adds one (an empty post: the form again).
        "community:policy_list": [
            Case(STAFF_PAGE),
            Case(expect(403, anonymous=302, district_admin=200, district_staff=200), method="post", data={}),
        ],
        "community:donation_list": [
            Case(DISTRICT_ONLY),
            Case(expect(403, anonymous=302, district_admin=200, district_staff=200), method="post", data={}),
        ],
    }
)
