"""Schemathesis against /api/v1/schema/ on the seeded demo district, as anonymous, a town officer, a
facility operator and district staff.

The demo district (`seed_demo`, a small register) gives every list real rows: facilities with and
without a canteen subtype, recorded check-ups and inspections, findings with their history, drawn
plans. Every operation the schema lists is fuzzed (whatever the apps add), with all of Schemathesis's
default checks: no 5xx, status codes, content types, headers and bodies as the schema says, schema-valid
requests accepted, authentication not ignored, missing headers and unsupported methods refused.

`positive_data_acceptance` is told that 400 is an acceptable answer to a schema-valid request: the
portal's rules that no schema can carry (a town or facility that does not exist, an end date before the
start, a move the life cycle forbids) answer 400 with the Error body, which the other checks validate.

Then the boundaries of issue 21 item 10, for every list and parameter the schema names: `limit` and
`offset` of 2^63, NUL bytes in every string parameter, `month`/`period` of 0001-01 — each a 400 with
the Error body (never a 500).

Bounded (deterministic Hypothesis, EXAMPLES per operation and role) so that seeding and fuzzing stay
under two minutes on the shared machine.
"""

from __future__ import annotations

import io
import time

import pytest
import requests
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis.config import SchemathesisConfig

from conftest import PASSWORD, TOWN_A, make_user
from hechuan_portal.accounts.models import Role

# The demo register's size: every app's demo needs residents, none needs many.
SEED_RESIDENTS = 60
# Examples per operation and role: the whole fuzz near CASE_BUDGET requests, never below MIN_EXAMPLES.
MIN_EXAMPLES = 2
MAX_EXAMPLES = 30
CASE_BUDGET = 600
BIGINT = 2**63
# The boundaries are about parameters, not scope: tried as anonymous (refused or public) and as the
# role that reaches every list.
BOUNDARY_ROLES = ("anonymous", "district_staff")
# The portal's rules that a schema cannot state answer 400 (see the module's docstring).
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"],
            }
        }
    }
)
# Filled by the test; SECURITY.md quotes them.
RUN_STATS: dict[str, int] = {}


def _token(base: str, username: str) -> str:
    response = requests.post(
        f"{base}/api/v1/auth/token/", json={"username": username, "password": PASSWORD}, timeout=10
    )
    response.raise_for_status()
    return response.json()["token"]


def _fuzz(operation, base: str, role: str, headers: dict, failures: list[str], examples: int) -> int:
    """Run one operation's bounded examples as one role with every default check; returns how many
    cases ran."""
    ran = 0

    @hsettings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        nonlocal ran
        ran += 1
        response = case.call(base_url=base, headers=headers)
        try:
            case.validate_response(response)
        except (Exception, BaseExceptionGroup) as exc:  # collect: one run reports every operation and role
            failures.append(f"{role} {operation.method.upper()} {operation.path}: {str(exc)[:600]}")

    run()
    return ran


def _boundary_cases(operation) -> list[tuple[str, dict]]:
    """Issue 21 item 10's values for one GET operation: (what, query)."""
    names = {p.name: p for p in operation.query}
    required = {}
    if "near" in names:
        required["near"] = "106.27,29.99"
    cases = []
    for page in ("limit", "offset"):
        if page in names:
            cases.append((f"{page}=2^63", {**required, page: str(BIGINT)}))
    for name, parameter in names.items():
        definition = parameter.definition.get("schema", {})
        if definition.get("type", "string") == "string" and "enum" not in definition:
            cases.append((f"NUL in {name}", {**required, name: "a\x00b"}))
        if name in ("month", "period"):
            cases.append((f"{name}=0001-01", {**required, name: "0001-01"}))
    return cases


def _boundaries(operation, base: str, role: str, headers: dict, failures: list[str]) -> int:
    """Each boundary value is a 400 with the Error body (validated against the schema)."""
    ran = 0
    for what, query in _boundary_cases(operation):
        case = operation.Case(query=query)
        response = case.call(base_url=base, headers=headers)
        ran += 1
        label = f"{role} GET {operation.path} {what}"
        # `near` reads a page parameter as DRF does (a bad value is the default) and keeps the page
        # within what the database holds: out of the schema's range, but a valid answer.
        lenient = operation.path.endswith("/near/") and what.endswith("2^63")
        if response.status_code == 400 or (lenient and response.status_code == 200):
            try:
                case.validate_response(response)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{label}: {str(exc)[:600]}")
        elif response.status_code not in (401, 403, 404):  # refused before the parameters are read
            failures.append(f"{label}: {response.status_code} {response.text[:200]}")
    return ran


def _operator(username: str):
    """A facility operator of town A, operating two of its demo facilities (a childcare one among them)."""
    from facilities.models import Facility

    user = make_user(username, Role.FACILITY_OPERATOR, TOWN_A)
    town_a = Facility.objects.filter(town_id=TOWN_A).order_by("id")
    picked = [
        *town_a.filter(kind__in=["nursery", "kindergarten"])[:1],
        *town_a.exclude(kind__in=["nursery", "kindergarten"])[:1],
    ]
    assert picked, "the demo district has facilities in town A"
    for facility in picked:
        facility.operators.add(user)
    return user


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_api_conforms_to_its_schema_on_the_demo_district(live_server, settings, reference_data):
    started = time.monotonic()
    # A fuzzer sending hundreds of wrong logins from one address must not trip the lockout here
    # (the lockout itself is tested in test_security_auth.py).
    settings.AXES_ENABLED = False
    # Every generated login hashes a password; a fast hasher keeps the run bounded.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the token endpoint's rate counter, from earlier tests
    call_command("seed_demo", residents=SEED_RESIDENTS, stdout=io.StringIO())
    seeded = time.monotonic()
    make_user("fuzz_officer", Role.TOWN_OFFICER, TOWN_A)
    make_user("fuzz_staff", Role.DISTRICT_STAFF)
    _operator("fuzz_operator")
    base = live_server.url
    roles = {
        "anonymous": {},
        "officer": {"Authorization": f"Token {_token(base, 'fuzz_officer')}"},
        "operator": {"Authorization": f"Token {_token(base, 'fuzz_operator')}"},
        "district_staff": {"Authorization": f"Token {_token(base, 'fuzz_staff')}"},
    }
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/schema/?format=json", config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    cases = boundary_cases = 0
    failures: list[str] = []
    examples = max(MIN_EXAMPLES, min(MAX_EXAMPLES, CASE_BUDGET // (len(operations) * len(roles))))
    for role, headers in roles.items():
        for operation in operations:
            cases += _fuzz(operation, base, role, headers, failures, examples)
            if operation.method.upper() == "GET" and role in BOUNDARY_ROLES:
                boundary_cases += _boundaries(operation, base, role, headers, failures)
    RUN_STATS.update(
        cases=cases,
        boundary_cases=boundary_cases,
        failures=len(failures),
        operations=len(operations),
        roles=len(roles),
    )
    print(
        f"schemathesis on the demo district: {cases} cases and {boundary_cases} boundary cases over "
        f"{len(operations)} operations × {len(roles)} roles, {len(failures)} failures "
        f"(seed {seeded - started:.0f} s, fuzz {time.monotonic() - seeded:.0f} s)"
    )
    assert failures == []
    assert boundary_cases > 50  # every list's limit/offset, string filters and months were tried
