"""Lists and exports in scope: the officer of town B sees town B's records and none of town A's.

The permission matrix checks statuses; a list page answers 200 to everyone in scope, so what it
lists is checked here, on the same world (town-A and town-B objects of every app)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import TOWN_B, make_user
from hechuan_portal.accounts.models import Role
from hechuan_portal.residents.models import Resident

from . import matrix_world

pytestmark = pytest.mark.django_db

# (url, app, path to the town-A object's name, same for town B)
LISTS = [
    ("/manage/facilities/", "facilities", ("a",), ("b",)),
    ("/manage/facilities/export/?format=csv", "facilities", ("a",), ("b",)),
    ("/api/v1/facilities/", "facilities", ("a",), ("b",)),
    # Search is by exact name: both residents are given the same one, told apart by masked ID.
    ("/manage/residents/?q=矩阵同名", "residents", ("a",), ("b",)),
    ("/manage/childcare/classes/", "childcare", ("a", "klass"), ("b", "klass")),
    ("/manage/childcare/children/", "childcare", ("a", "child"), ("b", "child")),
    ("/api/v1/childcare/classes/", "childcare", ("a", "klass"), ("b", "klass")),
    ("/api/v1/childcare/children/", "childcare", ("a", "child"), ("b", "child")),
    ("/manage/monitoring/inspections/", "monitoring", ("a", "facility"), ("b", "facility")),
    ("/manage/monitoring/findings/", "monitoring", ("a", "facility"), ("b", "facility")),
    ("/api/v1/monitoring/inspections/", "monitoring", ("a", "facility"), ("b", "facility")),
    ("/api/v1/monitoring/plans/", "monitoring", ("a", "plan"), ("b", "plan")),
    ("/manage/monitoring/visits/", "monitoring", ("a", "resident"), ("b", "resident")),
    ("/manage/subsidies/overpayments/", "subsidies", ("a", "resident"), ("b", "resident")),
]


@pytest.fixture
def officer_b_client(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client = Client()
    client.force_login(make_user("s_officer_b", Role.TOWN_OFFICER, TOWN_B))
    return client


@pytest.fixture
def cast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return {
        "district_admin": make_user("s_admin", Role.DISTRICT_ADMIN),
        "operator": make_user("s_operator", Role.FACILITY_OPERATOR, "500117001000"),
    }


def _name(objects, path):
    for part in path:
        objects = objects[part]
    return objects if isinstance(objects, str) else objects.name


@pytest.mark.parametrize(("url", "app", "a", "b"), LISTS, ids=[u for u, *_ in LISTS])
def test_officer_b_lists_town_b_only(url, app, a, b, cast, officer_b_client):
    objects = getattr(matrix_world, app)(cast)
    if app == "residents":
        Resident.objects.filter(pk__in=[objects["a"].pk, objects["b"].pk]).update(name="矩阵同名")
        objects = {k: v.id_masked for k, v in objects.items() if k in ("a", "b")}
    response = officer_b_client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    assert _name(objects, b) in text
    assert _name(objects, a) not in text


OPERATOR_LISTS = [
    ("/manage/facilities/", "facilities", ("a",), ("b",)),
    ("/api/v1/childcare/classes/", "childcare", ("a", "klass"), ("b", "klass")),
    ("/manage/childcare/classes/", "childcare", ("a", "klass"), ("b", "klass")),
    ("/manage/monitoring/inspections/", "monitoring", ("a", "facility"), ("b", "facility")),
    ("/api/v1/monitoring/findings/", "monitoring", ("a", "facility"), ("b", "facility")),
]


@pytest.mark.parametrize(("url", "app", "a", "b"), OPERATOR_LISTS, ids=[u for u, *_ in OPERATOR_LISTS])
def test_operator_lists_their_facility_only(url, app, a, b, cast):
    """The operator is linked to town A's facility of each app by the world builders."""
    objects = getattr(matrix_world, app)(cast)
    client = Client()
    client.force_login(cast["operator"])
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode("utf-8", errors="replace")
    assert _name(objects, a) in text
    assert _name(objects, b) not in text
