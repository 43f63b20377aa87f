"""The cost-sharing policy and donation pages: every working role reads the policies, the district
adds policies and records donations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ..models import Donation, MealPolicy
from . import factories as f

pytestmark = pytest.mark.django_db


def test_the_district_adds_a_policy_with_its_split_and_others_read_it(
    staff_client, officer_a_client, operator_client
):
    data = {
        "name": "2027年助餐政策",
        "effective_from": "2027-01-01",
        "max_meals_per_day": "2",
        "note": "待确认",
    }
    data.update({"age_80__individual": "5", "age_80__government": "4", "age_80__enterprise": "1"})
    data.update({"dibao_tekun__individual": "3", "dibao_tekun__government": "6"})
    assert officer_a_client.post("/manage/community/policies/", data).status_code == 403
    assert staff_client.post("/manage/community/policies/", data).status_code == 302
    policy = MealPolicy.objects.get()
    shares = {s.category: s for s in policy.shares.all()}
    assert shares["age_80"].government == Decimal("4") and shares["dibao_tekun"].government == Decimal("6")
    assert shares["non_elder"].government == 0
    html = operator_client.get("/manage/community/policies/").content.decode()
    assert "2027年助餐政策" in html and "每人每日限 2 餐" in html and "新增政策" not in html
    again = staff_client.post("/manage/community/policies/", data)  # the same date twice
    assert again.status_code == 400 and "该日期已有生效的助餐政策" in again.content.decode()
    assert MealPolicy.objects.count() == 1


def test_donations_are_recorded_by_the_district_only(staff_client, officer_a_client):
    canteen = f.canteen()
    assert officer_a_client.get("/manage/community/donations/").status_code == 403
    gift = {
        "received_on": "2026-11-20",
        "donor": "合川区慈善会",
        "amount": "5000",
        "use": "助餐",
        "canteen": canteen.pk,
    }
    assert staff_client.post("/manage/community/donations/", gift).status_code == 302
    donation = Donation.objects.get()
    assert (donation.town_id, donation.received_on) == (canteen.town_id, dt.date(2026, 11, 20))
    html = staff_client.get("/manage/community/donations/").content.decode()
    assert "合川区慈善会" in html and "5,000.00" in html
