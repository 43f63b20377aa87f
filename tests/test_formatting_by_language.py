"""Issue 20: dates and money read as the active language writes them on the staff pages of the
community, eldercare and overview apps (`2026年12月` / `Dec 2026`, `¥54,150.00` in both), and
Leaflet's own controls speak the page's language. Client tests: the browser walk checks the rest."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.utils import translation

from community import services as community_services
from community.models import MealClaim
from community.tests import factories as cf
from conftest import TOWN_A
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.formatting import money, month_label

pytestmark = pytest.mark.django_db

DECEMBER = dt.date(2026, 12, 1)


def _get(client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_month_label_follows_the_active_language():
    with translation.override("zh-hans"):
        assert month_label(DECEMBER) == "2026年12月"
    with translation.override("en"):
        assert month_label(DECEMBER) == "Dec 2026"
    assert money(Decimal("54150")) == "¥54,150.00"
    assert money(None) == "¥0.00"


@pytest.fixture
def december_claim():
    """One 80+ meal on 1 Dec 2026 whose government share is ¥54,150: the claim carries that sum."""
    cf.policy(government={"age_80": "54150"})
    canteen = cf.canteen(town_id=TOWN_A)
    _, number = cf.person(dt.date(1940, 1, 1))
    community_services.meals_import(
        actor=SYSTEM,
        canteen=canteen,
        source=io.BytesIO(cf.csv_file([["2026-12-01", number, "80岁以上", "堂食", ""]])),
        file_name="december.csv",
        today=dt.date(2026, 12, 6),
    )
    community_services.claims_compute(actor=SYSTEM, month=DECEMBER)
    claim = MealClaim.objects.get()
    assert claim.government_amount == Decimal("54150")
    return claim


def test_claim_page_month_and_money_in_both_languages(december_claim, officer_a_client):
    url = f"/manage/community/claims/{december_claim.pk}/"
    assert officer_a_client.post(url, {"action": "review"}).status_code == 302
    chinese = _get(officer_a_client, url, "zh-hans")
    assert "2026年12月" in chinese and "¥54,150.00" in chinese
    english = _get(officer_a_client, url, "en")
    assert "Dec 2026" in english and "¥54,150.00" in english
    assert "2026年12月" not in english and "12月" not in english
    # the status history names the statuses, never their codes
    assert "→ Reviewed by the town" in english and "→ reviewed" not in english
    listing = _get(officer_a_client, "/manage/community/claims/?month=2026-12", "en")
    assert "¥54,150.00" in listing and "54150" not in listing
    home = _get(officer_a_client, "/manage/community/?month=2026-12", "en")
    assert "¥54,150.00" in home and "Dec 2026" in home
    assert "合阳城街道" in home and f"<td>{TOWN_A}</td>" not in home  # the town by its name, not its code


def test_donation_list_date_and_money_in_both_languages(staff_client, district_staff):
    community_services.donation_record(
        actor=district_staff,
        received_on=dt.date(2026, 12, 7),
        donor="合川区慈善会",
        amount=Decimal("54150"),
        use="老年助餐",
    )
    chinese = _get(staff_client, "/manage/community/donations/", "zh-hans")
    assert "2026年12月7日" in chinese and chinese.count("¥54,150.00") == 2  # the row and the total
    english = _get(staff_client, "/manage/community/donations/", "en")
    assert "7 Dec 2026" in english and english.count("¥54,150.00") == 2
    assert not re.search(r"\d{4}年\d{1,2}月", english)
    assert "合川区慈善会" in english  # data typed by people stays as typed


def test_overview_pages_write_the_period_and_trend_months_by_language(staff_client, reference_data):
    url = "/manage/overview/visit_rate/?period=2026-12"
    chinese = _get(staff_client, url, "zh-hans")
    assert "2026年12月" in chinese
    english = _get(staff_client, url, "en")
    assert "Dec 2026" in english and not re.search(r"\d{4}年\d{1,2}月", english)
    town = _get(staff_client, f"/manage/overview/visit_rate/{TOWN_A}/?period=2026-12", "en")
    chart = json.loads(re.search(r'id="trend-data" type="application/json">(.*?)</script>', town).group(1))
    assert chart["months"][-1] == "Dec 2026" and chart["months"][0] == "Jan 2026"
    assert "<td>Dec 2026</td>" in town
    town = _get(staff_client, f"/manage/overview/visit_rate/{TOWN_A}/?period=2026-12", "zh-hans")
    assert "<td>2026年12月</td>" in town


def _map_text(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="map-control-text">(.*?)</script>', page, re.S)
    assert found, "the page has no map control text"
    return json.loads(found.group(1))


def test_map_controls_speak_the_page_language(staff_client, reference_data):
    url = "/manage/overview/visit_rate/?period=2026-12"
    chinese = _get(staff_client, url, "zh-hans")
    text = _map_text(chinese)
    assert (text["zoomIn"], text["zoomOut"]) == ("放大", "缩小")
    assert text["draw"]["draw.toolbar.buttons.marker"] == "放置标记"
    assert "js/map-controls.js" in chinese
    assert "leaflet.draw.i18n.js" not in chinese  # django-leaflet's English texts are not loaded
    text = _map_text(_get(staff_client, url, "en"))
    assert (text["zoomIn"], text["zoomOut"]) == ("Zoom in", "Zoom out")
    assert text["draw"]["edit.toolbar.buttons.remove"] == "Delete shapes"



def test_the_public_finder_map_speaks_the_page_language_too(anon_client, reference_data):
    page = _get(anon_client, "/", "zh-hans")
    assert _map_text(page)["zoomIn"] == "放大"
    assert '<script defer src="/static/js/map-controls.js">' in page  # after Leaflet's deferred files
    assert _map_text(_get(anon_client, "/", "en"))["zoomIn"] == "Zoom in"
