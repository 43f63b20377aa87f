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
    data: dict | None = None
    # Not requested at all (the reason is required): e.g. an endpoint that would end the session.
    skip: str = ""


# Common shapes.
PUBLIC = expect(200)
LOGIN_REQUIRED = expect(200, anonymous=302)
API_LOGIN_REQUIRED = expect(200, anonymous=401)
AUDITOR_ONLY = expect(403, anonymous=302, auditor=200)
# The Django admin: only staff accounts get in (district administrators, provisioned with is_staff);
# everyone else is sent to the login. What a staff account then sees depends on its model permissions.
ADMIN_DENIED = frozenset({302, 403, 404, 405})
ADMIN = expect(302, district_admin=ADMIN_DENIED)

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
    "set_language": [
        Case(expect(302), method="get"),
        Case(expect(302), method="post", data={"language": "zh-hans"}),
    ],
    "manage:home": Case(LOGIN_REQUIRED),
    "manage:audit": Case(AUDITOR_ONLY),
    "admin-login-redirect": Case(expect(302)),
    "admin:index": Case(expect(302, district_admin=200)),
    # A staff account may change its own password (same validators) and load the admin's translations.
    "admin:password_change": Case(expect(302, district_admin=200)),
    "admin:password_change_done": Case(expect(302, district_admin=200)),
    "admin:jsi18n": Case(expect(302, district_admin=200)),
    "admin:*": Case(ADMIN),
    "admin/*": Case(ADMIN),
    # API pages outside the schema.
    "api-root": Case(API_LOGIN_REQUIRED),
    "api-schema": Case(PUBLIC),
    "api-swagger": Case(PUBLIC),
}

API: dict[tuple[str, str], Case | list[Case]] = {
    # --- foundation and security ---
    ("/api/v1/auth/token/", "post"): Case(expect(400), data={"username": "nobody", "password": "wrong"}),
    ("/api/v1/auth/me/", "get"): Case(API_LOGIN_REQUIRED),
    ("/api/v1/areas/", "get"): Case(PUBLIC),
    ("/api/v1/areas/{code}/", "get"): [
        Case(PUBLIC, kwargs={"code": "500117001000"}),
        Case(expect(404), kwargs={"code": "999999999999"}),
    ],
}
