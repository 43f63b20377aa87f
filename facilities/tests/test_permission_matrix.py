"""Every facilities endpoint × every role: the status each role gets (GET only: reads)."""

import pytest

from conftest import TOWN_A, TOWN_B

from .factories import FacilityFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anon_client",
    "admin_client_",
    "staff_client",
    "officer_a_client",
    "officer_b_client",
    "operator_client",
    "auditor_client",
]

# endpoint → expected status per role, in ROLES order. {a} is a facility in town A run by the operator.
MATRIX = {
    "/manage/facilities/": [302, 200, 200, 200, 200, 200, 403],
    "/manage/facilities/{a}/": [302, 200, 200, 200, 404, 200, 403],
    "/manage/facilities/{a}/edit/": [302, 200, 200, 200, 404, 200, 403],
    "/manage/facilities/new/": [302, 200, 200, 200, 200, 403, 403],
    "/manage/facilities/import/": [302, 200, 200, 200, 200, 403, 403],
    "/manage/facilities/export/?format=csv": [302, 200, 200, 200, 200, 200, 403],
    "/manage/facilities/coverage/": [302, 200, 200, 200, 200, 403, 403],
    "/api/v1/facilities/": [200, 200, 200, 200, 200, 200, 200],
    "/api/v1/facilities/{a}/": [200, 200, 200, 200, 404, 200, 200],
    "/api/v1/facilities/geojson/": [200, 200, 200, 200, 200, 200, 200],
    "/api/v1/facilities/coverage/": [401, 200, 200, 200, 200, 403, 403],
    "/": [200, 200, 200, 200, 200, 200, 200],
    "/f/{a}/": [200, 200, 200, 200, 200, 200, 200],
}


def test_permission_matrix(request, operator):
    # One test for the whole matrix: the role cast (password hashing) is built once.
    facility = FacilityFactory(name="矩阵测试", town_id=TOWN_A)
    facility.operators.add(operator)
    FacilityFactory(name="乙镇", town_id=TOWN_B)
    clients = {role: request.getfixturevalue(role) for role in ROLES}
    got = {
        url: [clients[role].get(url.format(a=facility.pk)).status_code for role in ROLES] for url in MATRIX
    }
    assert got == MATRIX
