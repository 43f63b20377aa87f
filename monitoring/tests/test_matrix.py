"""Every monitoring page and API list × every role: the status each role gets."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ROLES = [
    "anon_client",
    "admin_client_",
    "staff_client",
    "officer_a_client",
    "operator_client",
    "auditor_client",
]
EVERYONE = {"anon_client": 302, "auditor_client": 403}
INSPECTORS = {"anon_client": 302, "auditor_client": 403, "operator_client": 403}
DISTRICT = {"anon_client": 302, "auditor_client": 403, "operator_client": 403, "officer_a_client": 403}
API = {"anon_client": 401, "auditor_client": 403}

MATRIX = {
    "/manage/monitoring/": EVERYONE,
    "/manage/monitoring/inspections/": EVERYONE,
    "/manage/monitoring/inspections/export.xlsx": EVERYONE,
    "/manage/monitoring/findings/": EVERYONE,
    "/manage/monitoring/staff/": EVERYONE,
    "/manage/monitoring/inspections/new/": INSPECTORS,
    "/manage/monitoring/plans/": INSPECTORS,
    "/manage/monitoring/plans/new/": INSPECTORS,
    "/manage/monitoring/due/": INSPECTORS,
    "/manage/monitoring/visits/": INSPECTORS,
    "/manage/monitoring/visits/rates/": INSPECTORS,
    "/manage/monitoring/visits/rates/export.xlsx": INSPECTORS,
    "/manage/monitoring/findings/escalated/": DISTRICT,
    "/api/v1/monitoring/templates/": API,
    "/api/v1/monitoring/plans/": API,
    "/api/v1/monitoring/inspections/": API,
    "/api/v1/monitoring/findings/": API,
    "/api/v1/monitoring/visits/": API,
}


def test_every_role_gets_the_expected_status(request):
    clients = {role: request.getfixturevalue(role) for role in ROLES}
    got = {(url, role): clients[role].get(url).status_code for url in MATRIX for role in ROLES}
    expected = {(url, role): MATRIX[url].get(role, 200) for url in MATRIX for role in ROLES}
    assert got == expected
