"""Schemathesis against /api/v1/schema/ as anonymous, an officer and district staff.

Bounded (deterministic Hypothesis, MAX_EXAMPLES per operation and role) so the whole run stays well
under a minute. Checks: no 5xx, status codes, content types, headers and bodies as the schema says.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import PASSWORD, TOWN_A, make_user
from hechuan_portal.accounts.models import Role

# Examples per operation and role: up to 30, shrinking as the API grows so that the whole run stays
# near CASE_BUDGET requests (about a minute), never below 5.
MAX_EXAMPLES = 30
MIN_EXAMPLES = 5
CASE_BUDGET = 1500
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Filled by the test; SECURITY.md quotes them.
RUN_STATS: dict[str, int] = {}


def _token(base: str, username: str) -> str:
    response = requests.post(
        f"{base}/api/v1/auth/token/", json={"username": username, "password": PASSWORD}, timeout=10
    )
    response.raise_for_status()
    return response.json()["token"]


def _fuzz(operation, base: str, role: str, headers: dict, failures: list[str], examples: int) -> int:
    """Run one operation's bounded examples as one role; returns how many cases ran."""
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
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # collect, so one run reports every operation and role
            failures.append(f"{role} {operation.method.upper()} {operation.path}: {str(exc)[:300]}")

    run()
    return ran


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_api_conforms_to_its_schema_for_three_roles(live_server, settings):
    # A fuzzer sending hundreds of wrong logins from one address must not trip the lockout here
    # (the lockout itself is tested in test_security_auth.py).
    settings.AXES_ENABLED = False
    # Every generated login hashes a password; a fast hasher keeps the run bounded.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user("fuzz_officer", Role.TOWN_OFFICER, TOWN_A)
    make_user("fuzz_staff", Role.DISTRICT_STAFF)
    base = live_server.url
    roles = {
        "anonymous": {},
        "officer": {"Authorization": f"Token {_token(base, 'fuzz_officer')}"},
        "district_staff": {"Authorization": f"Token {_token(base, 'fuzz_staff')}"},
    }
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4
    cases = 0
    failures: list[str] = []
    examples = max(MIN_EXAMPLES, min(MAX_EXAMPLES, CASE_BUDGET // (len(operations) * len(roles))))
    for role, headers in roles.items():
        for operation in operations:
            cases += _fuzz(operation, base, role, headers, failures, examples)
    RUN_STATS.update(cases=cases, failures=len(failures), operations=len(operations), roles=len(roles))
    print(
        f"schemathesis: {cases} cases over {len(operations)} operations × {len(roles)} roles, {len(failures)} failures"
    )
    assert failures == []
