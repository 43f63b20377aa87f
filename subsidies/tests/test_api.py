import pytest

from .conftest import D, close, match, person

pytestmark = pytest.mark.django_db


def test_runs_and_rolls_for_district_roles_only(
    staff_client, officer_a_client, django_assert_max_num_queries
):
    person(D(1940, 1, 1))
    match(D(2027, 1, 1))
    close(D(2027, 1, 1))
    body = staff_client.get("/api/v1/subsidies/runs/").json()
    assert [(r["status"], r["counts"]["granted"]) for r in body["results"]] == [("succeeded", 1)]
    rolls = staff_client.get("/api/v1/subsidies/payroll-periods/").json()["results"]
    assert [(r["month"], r["status"], r["line_count"], r["total_amount"]) for r in rolls] == [
        ("2027-01-01", "closed", 1, "50.00")
    ]
    assert officer_a_client.get("/api/v1/subsidies/runs/").json()["results"] == []
    with django_assert_max_num_queries(8) as one:
        staff_client.get("/api/v1/subsidies/runs/")
    for month in (2, 3, 4):
        match(D(2027, month, 1))
    with django_assert_max_num_queries(len(one.captured_queries)):
        staff_client.get("/api/v1/subsidies/runs/")
