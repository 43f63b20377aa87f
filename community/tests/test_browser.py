"""On a phone: a bathing point's operator records a bath with a photo and the phone's location."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from conftest import TOWN_A, login_in_browser, make_user
from facilities.models import FacilityKind
from facilities.tests.factories import SEAT, FacilityFactory

from ..models import CareRecord
from . import factories as f
from .conftest import PNG

# The live server reads committed rows: `reference_data` (root conftest) makes sure they are there.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_operator_records_a_bath_with_photo_and_location_on_a_phone(live_server, phone_page, tmp_path):
    shots = Path(os.environ.get("COMMUNITY_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    operator = make_user("bath_operator", "facility_operator", TOWN_A)
    point = FacilityFactory(kind=FacilityKind.BATHING_POINT, name="合阳城助浴点", town_id=TOWN_A)
    point.operators.add(operator)
    elder, number = f.person(dt.date(1938, 3, 1), tekun=True)

    context = phone_page.context
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": SEAT[1] + 0.0005, "longitude": SEAT[0], "accuracy": 8})
    login_in_browser(phone_page, live_server, "bath_operator")
    phone_page.goto(f"{live_server.url}/manage/community/care/new/")
    phone_page.wait_for_selector(".loc-box.ok")
    assert "定位成功" in phone_page.text_content("[data-geo-status]")
    phone_page.select_option("select[name=provider]", str(point.pk))
    phone_page.check("input[name=kind][value=bath_point]")
    phone_page.fill("input[name=id_number]", number)
    phone_page.set_input_files(
        "input[name=photo]", files=[{"name": "bath.png", "mimeType": "image/png", "buffer": PNG}]
    )
    phone_page.screenshot(path=str(shots / "care-new-phone.png"), full_page=True)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.click("text=提交服务记录")
    phone_page.wait_for_selector("text=服务记录已保存")

    record = CareRecord.objects.get()
    assert (record.resident_id, record.kind, record.provider_id, record.location_check) == (
        elder.pk,
        "bath_point",
        point.pk,
        "ok",
    )
    assert 40 <= record.distance_m <= 70  # 0.0005° of latitude ≈ 56 m
    assert record.location_accuracy_m == 8
    assert record.photos.get().content_type == "image/png"
    assert record.recorded_by_id == operator.pk


def test_policy_and_donation_pages_fit_a_phone(live_server, phone_page, page, tmp_path, settings):
    """The district's policy page (the split per category) and donation page, phone and desktop."""
    from decimal import Decimal

    from hechuan_portal.accounts.roles import SYSTEM

    from .. import services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    shots = Path(os.environ.get("COMMUNITY_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    make_user("policy_staff", "district_staff")
    f.policy()
    canteen = f.canteen()
    services.donation_record(
        actor=SYSTEM, received_on=dt.date(2026, 11, 20), donor="合川区慈善会", amount=Decimal("50000"),
        use="高龄老人助餐补助", canteen=canteen, town_id=canteen.town_id,
    )  # fmt: skip
    login_in_browser(phone_page, live_server, "policy_staff")
    login_in_browser(page, live_server, "policy_staff")
    for name, url in (("policies", "/manage/community/policies/"), ("donations", "/manage/community/donations/")):
        phone_page.goto(f"{live_server.url}{url}")
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, url
        phone_page.screenshot(path=str(shots / f"{name}-phone.png"), full_page=True)
        page.goto(f"{live_server.url}{url}")
        page.screenshot(path=str(shots / f"{name}-desktop.png"), full_page=True)
    assert "合川区慈善会" in page.text_content("main")
