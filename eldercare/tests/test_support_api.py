"""The API of family care beds, home adaptation and placements: JSON in and out, every refusal in the
shared error body, rows scoped like the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from .. import services
from ..models import CareBed, ClaimStatus
from .factories import elder, photo

pytestmark = pytest.mark.django_db
API = "/api/v1/eldercare"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_care_bed_api_end_to_end_with_a_refusal_and_a_bed_below_the_minimum(
    officer_a,
    officer_a_client,
    officer_b_client,
    operator_client,
    staff_client,
    admin_client_,
    provider,
    grade_of,
):
    low, low_number = elder(dt.date(1939, 1, 1))
    grade_of(low, 85)
    refused = post(
        officer_a_client, f"{API}/care-beds/", {"id_number": low_number, "applied_on": "2026-10-01"}
    )
    assert refused.status_code == 201
    assert (refused.json()["status"], refused.json()["refusal_reason"]) == ("refused", "grade_too_low")

    served, number = elder(dt.date(1938, 1, 1))
    short, short_number = elder(dt.date(1937, 1, 1))
    for person in (served, short):
        grade_of(person, 40)
    beds = {}
    for person, id_number in ((served, number), (short, short_number)):
        body = post(
            officer_a_client, f"{API}/care-beds/", {"id_number": id_number, "applied_on": "2026-10-01"}
        ).json()
        assert (body["status"], body["refusal_reason"], body["grade"]) == ("eligible", None, 3)
        agreed = post(
            officer_a_client,
            f"{API}/care-beds/{body['id']}/agree/",
            {"provider": provider.pk, "on": "2026-10-02"},
        )
        assert agreed.status_code == 200 and agreed.json()["status"] == "agreed"
        bed = CareBed.objects.get(pk=body["id"])
        services.care_bed_set_up(actor=officer_a, bed=bed, on=dt.date(2026, 10, 3), photos=[photo()])
        beds[person.pk] = bed.pk
    assert post(officer_b_client, f"{API}/care-beds/{beds[served.pk]}/agree/", {}).status_code == 404
    month = {"month": "2026-10-01", "visits": 6, "hours": "12.0", "services": ["nursing"]}
    assert post(officer_a_client, f"{API}/care-beds/{beds[served.pk]}/months/", month).status_code == 403
    assert post(operator_client, f"{API}/care-beds/{beds[served.pk]}/months/", month).status_code == 201
    few = {**month, "visits": 1, "hours": "1.0"}
    assert post(operator_client, f"{API}/care-beds/{beds[short.pk]}/months/", few).status_code == 201
    wrong_day = post(
        operator_client, f"{API}/care-beds/{beds[short.pk]}/months/", {**month, "month": "2026-10-05"}
    )
    assert (wrong_day.status_code, wrong_day.json()["code"]) == (400, "not_first_of_month")

    assert post(officer_a_client, f"{API}/care-bed-claims/build/", {"month": "2026-10-01"}).status_code == 403
    built = post(staff_client, f"{API}/care-bed-claims/build/", {"month": "2026-10-01"})
    assert built.json() == {"claims": 1, "flagged": 1}
    listed = officer_a_client.get(f"{API}/care-bed-claims/?month=2026-10-01").json()["results"]
    assert [c["resident_name"] for c in listed] == [served.name]
    claim_id = listed[0]["id"]
    early = post(staff_client, f"{API}/care-bed-claims/{claim_id}/approve/")
    assert (early.status_code, early.json()["code"], early.json()["field"]) == (400, "wrong_status", "status")
    assert post(officer_b_client, f"{API}/care-bed-claims/{claim_id}/review/").status_code == 404
    assert post(officer_a_client, f"{API}/care-bed-claims/{claim_id}/review/").json()["status"] == "reviewed"
    assert post(staff_client, f"{API}/care-bed-claims/{claim_id}/approve/").json()["status"] == "approved"
    assert (
        post(
            staff_client, f"{API}/care-bed-claims/pay/", {"month": "2026-10-01", "paid_on": "2026-11-10"}
        ).status_code
        == 403
    )
    paid = post(
        admin_client_, f"{API}/care-bed-claims/pay/", {"month": "2026-10-01", "paid_on": "2026-11-10"}
    )
    assert paid.json() == {"paid": 1}
    assert officer_a_client.get(f"{API}/care-bed-claims/{claim_id}/").json()["status"] == ClaimStatus.PAID


def test_adaptation_api_refuses_unknown_items_and_a_second_home_subsidy(
    officer_a, officer_a_client, grade_of
):
    resident, number = elder(dt.date(1936, 1, 1), dibao=True)
    grade_of(resident, 70)
    case = post(
        officer_a_client, f"{API}/adaptations/", {"id_number": number, "applied_on": "2026-10-01"}
    ).json()
    assert (case["status"], case["household_cap"]) == ("applied", "3000.00")
    unknown = post(officer_a_client, f"{API}/adaptations/{case['id']}/needs/", {"items": {"ZZ-99": 1}})
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (
        400,
        "unknown_item",
        "items.ZZ-99",
    )
    needs = post(
        officer_a_client, f"{API}/adaptations/{case['id']}/needs/", {"items": {"JC-03": 4, "KX-01": 1}}
    )
    assert [(line["code"], line["quantity"]) for line in needs.json()["lines"]] == [
        ("JC-03", 4),
        ("KX-01", 1),
    ]
    quoted = post(officer_a_client, f"{API}/adaptations/{case['id']}/quote/", {"prices": {"JC-03": "950.00"}})
    assert quoted.json()["quote_total"] == "4600.00"
    assert (
        post(officer_a_client, f"{API}/adaptations/{case['id']}/works/", {"on": "2026-10-20"}).json()[
            "status"
        ]
        == "works"
    )
    from ..models import AdaptationCase

    services.adaptation_accept(
        actor=officer_a,
        case=AdaptationCase.objects.get(pk=case["id"]),
        on=dt.date(2026, 11, 1),
        before_photos=[photo("b")],
        after_photos=[photo("a")],
    )
    accepted = officer_a_client.get(f"{API}/adaptations/{case['id']}/").json()
    assert (accepted["subsidy"], accepted["self_paid"]) == ("3000.00", "1600.00")  # basic 3,800 capped
    again = post(officer_a_client, f"{API}/adaptations/", {"id_number": number, "applied_on": "2026-12-01"})
    assert (again.status_code, again.json()["code"]) == (400, "already_adapted")


def test_placement_api_and_guaranteed_beds(officer_a_client, officer_b_client, operator_client, nursing_home):
    _, first = elder(dt.date(1935, 1, 1), tekun=True)
    _, second = elder(dt.date(1935, 2, 2), tekun=True)
    data = {"facility": nursing_home.pk, "start_on": "2026-10-01"}
    placed = post(officer_a_client, f"{API}/placements/", {**data, "id_number": first})
    assert placed.status_code == 201 and placed.json()["guaranteed"] is True
    full = post(officer_a_client, f"{API}/placements/", {**data, "id_number": second})
    assert (full.status_code, full.json()["code"], full.json()["field"]) == (
        400,
        "no_guaranteed_bed",
        "facility",
    )
    assert officer_a_client.get(f"{API}/guaranteed-beds/").json()["results"][0]["used"] == 1
    assert officer_b_client.get(f"{API}/guaranteed-beds/").json()["results"] == []
    assert (
        post(
            officer_b_client, f"{API}/placements/{placed.json()['id']}/end/", {"on": "2026-11-01"}
        ).status_code
        == 404
    )
    ended = post(officer_a_client, f"{API}/placements/{placed.json()['id']}/end/", {"on": "2026-11-01"})
    assert ended.json()["end_on"] == "2026-11-01"
    assert officer_a_client.get(f"{API}/guaranteed-beds/").json()["results"][0]["used"] == 0
    form = officer_a_client.post(f"{API}/placements/", {**data, "id_number": second})  # not JSON
    assert form.status_code == 415
