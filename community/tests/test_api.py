"""The community API: policies, donations, meal claims review, bathing callbacks, volunteers with their
statement and services — JSON in and out, refusals in the shared error body, rows scoped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from facilities.models import FacilityKind
from facilities.tests.factories import FacilityFactory
from hechuan_portal.accounts.roles import SYSTEM

from .. import services
from . import factories as f
from .conftest import PNG

pytestmark = pytest.mark.django_db
API = "/api/v1/community"
MONTH = dt.date(2026, 11, 1)


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_policies_and_donations_are_district_decisions(staff_client, officer_a_client):
    body = {
        "name": "助餐政策 2027",
        "effective_from": "2027-01-01",
        "max_meals_per_day": 2,
        "shares": {"age_80": {"individual": "5", "government": "4", "enterprise": "1"}},
    }
    assert post(officer_a_client, f"{API}/policies/", body).status_code == 403
    created = post(staff_client, f"{API}/policies/", body)
    assert created.status_code == 201
    shares = {s["category"]: s for s in created.json()["shares"]}
    assert shares["age_80"]["government"] == "4.00"
    assert officer_a_client.get(f"{API}/policies/").json()["results"][0]["name"] == "助餐政策 2027"
    canteen = f.canteen()
    gift = {
        "received_on": "2026-11-20",
        "donor": "合川区慈善会",
        "amount": "5000.00",
        "use": "助餐",
        "canteen": canteen.pk,
    }
    assert post(officer_a_client, f"{API}/donations/", gift).status_code == 403
    assert post(staff_client, f"{API}/donations/", gift).json()["town"] == canteen.town_id
    wrong = post(
        staff_client,
        f"{API}/donations/",
        {**gift, "canteen": FacilityFactory(kind=FacilityKind.NURSING_HOME).pk},
    )
    assert (wrong.status_code, wrong.json()["code"], wrong.json()["field"]) == (
        400,
        "not_a_canteen",
        "canteen",
    )
    assert [d["donor"] for d in staff_client.get(f"{API}/donations/").json()["results"]] == ["合川区慈善会"]
    form = staff_client.post(f"{API}/donations/", gift)  # a form body is not accepted
    assert form.status_code == 415


def test_a_meal_claim_reviewed_by_the_town_and_approved_by_the_district(
    staff_client, officer_a_client, officer_b_client
):
    f.policy()
    canteen = f.canteen()
    diner, number = f.person(dt.date(1940, 1, 1))
    services.meal_record(
        actor=SYSTEM,
        canteen=canteen,
        day=dt.date(2026, 11, 3),
        category="age_80",
        way="dine_in",
        id_number=number,
    )
    services.claims_compute(actor=SYSTEM, month=MONTH)
    claims = officer_a_client.get(f"{API}/claims/?month=2026-11-01").json()["results"]
    assert [(c["canteen"], c["status"], c["government_amount"]) for c in claims] == [
        (canteen.pk, "draft", "4.00")
    ]
    claim = claims[0]["id"]
    assert officer_b_client.get(f"{API}/claims/{claim}/").status_code == 404
    early = post(staff_client, f"{API}/claims/{claim}/approve/")
    assert (early.status_code, early.json()["code"]) == (409, "claim_wrong_status")
    assert (
        post(officer_a_client, f"{API}/claims/{claim}/review/", {"reason": "已核"}).json()["status"]
        == "reviewed"
    )
    assert post(officer_a_client, f"{API}/claims/{claim}/approve/").status_code == 403
    assert post(staff_client, f"{API}/claims/{claim}/approve/").json()["status"] == "approved"


def test_bathing_callback_and_the_time_bank_statement(officer_a_client, officer_b_client, operator):
    point = FacilityFactory(kind=FacilityKind.BATHING_POINT, name="合阳城助浴点")
    point.operators.add(operator)
    elder, _ = f.person(dt.date(1938, 1, 1), tekun=True)
    record = services.care_record_create(
        actor=operator, resident=elder, kind="bath_point", provider=point, lng=106.266, lat=29.991,
        photo=SimpleUploadedFile("bath.png", PNG, content_type="image/png"), performed_at=timezone.now(),
    )  # fmt: skip
    listed = officer_a_client.get(f"{API}/care-records/").json()["results"]
    assert listed[0]["photo_count"] == 1 and listed[0]["callback_note"] is None
    assert (
        post(officer_b_client, f"{API}/care-records/{record.pk}/callback/", {"satisfaction": 5}).status_code
        == 404
    )
    bad = post(officer_a_client, f"{API}/care-records/{record.pk}/callback/", {"satisfaction": 9})
    assert (bad.status_code, bad.json()["field"]) == (400, "satisfaction")
    done = post(
        officer_a_client, f"{API}/care-records/{record.pk}/callback/", {"satisfaction": 4, "note": "满意"}
    )
    assert (done.json()["satisfaction"], done.json()["callback_note"]) == (4, "满意")

    _, helper_number = f.person(dt.date(1962, 3, 3))
    volunteer = post(officer_a_client, f"{API}/volunteers/", {"id_number": helper_number})
    assert volunteer.status_code == 201 and volunteer.json()["balance"] == "0.0"
    again = post(officer_a_client, f"{API}/volunteers/", {"id_number": helper_number})
    assert (again.status_code, again.json()["code"]) == (409, "already_volunteer")
    _, recipient_number = f.person(dt.date(1936, 4, 4))
    service = post(
        officer_a_client,
        f"{API}/volunteer-services/",
        {"volunteer": volunteer.json()["id"], "recipient_id_number": recipient_number, "day": "2026-11-20",
         "hours": "2.5", "content": "陪同就医"},
    )  # fmt: skip
    assert service.status_code == 201 and service.json()["status"] == "pending"
    entry = post(officer_a_client, f"{API}/volunteer-services/{service.json()['id']}/confirm/")
    assert (entry.json()["kind"], entry.json()["hours"], entry.json()["balance_after"]) == (
        "earn",
        "2.5",
        "2.5",
    )
    statement = officer_a_client.get(f"{API}/volunteers/{volunteer.json()['id']}/statement/").json()
    assert statement["volunteer"]["balance"] == "2.5"
    assert [(e["kind"], e["source"]) for e in statement["entries"]][0][0] == "earn"
    assert officer_b_client.get(f"{API}/volunteers/{volunteer.json()['id']}/statement/").status_code == 404
    assert Decimal(statement["entries"][-1]["balance_after"]) == Decimal("2.5")
