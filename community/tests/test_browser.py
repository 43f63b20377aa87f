"""On a phone: a bathing point's operator records a bath with a photo and the phone's location."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import TOWN_A, login_in_browser, make_user
from facilities.models import FacilityKind
from facilities.tests.factories import SEAT, FacilityFactory
from hechuan_portal.accounts.roles import SYSTEM

from .. import services
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


def test_officer_registers_a_volunteer_records_confirms_and_prints_the_statement_on_a_phone(
    live_server, phone_page, page, tmp_path, settings
):
    """Time bank on a 390 px phone: register a volunteer by ID number → record a service → confirm
    it (the recipient is of the same town) → the statement; then the pages at a desk."""
    from ..models import LedgerEntry, Volunteer

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    shots = Path(os.environ.get("COMMUNITY_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    make_user("bank_officer", "town_officer", TOWN_A)
    helper, helper_number = f.person(dt.date(1963, 4, 4), name="李志愿")
    elder, elder_number = f.person(dt.date(1936, 2, 2), name="王大爷", tekun=True)
    base = live_server.url + "/manage/community"

    def fits(pg):
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390, pg.url

    login_in_browser(phone_page, live_server, "bank_officer")
    phone_page.goto(f"{base}/time-bank/register/")
    phone_page.fill("input[name=id_number]", helper_number)
    phone_page.click("button:has-text('查找')")
    phone_page.wait_for_selector("[data-person]")
    assert "李志愿" in phone_page.text_content("[data-person]")
    assert helper_number not in phone_page.url and helper_number not in phone_page.content()
    fits(phone_page)
    phone_page.screenshot(path=str(shots / "volunteer-register-phone.png"), full_page=True)
    phone_page.click("text=确认登记为志愿者")
    phone_page.wait_for_selector("text=已登记为时间储蓄志愿者")
    volunteer = Volunteer.objects.get(resident=helper)

    phone_page.goto(f"{base}/time-bank/services/")
    phone_page.select_option("select[name=volunteer]", str(volunteer.pk))
    phone_page.fill("input[name=recipient]", elder_number)
    phone_page.fill("input[name=hours]", "2.5")
    phone_page.fill("input[name=content]", "陪同就医")
    phone_page.click("text=保存服务记录")
    phone_page.wait_for_selector("text=待服务对象所在社区确认")
    fits(phone_page)
    phone_page.screenshot(path=str(shots / "volunteer-services-phone.png"), full_page=True)
    phone_page.click("[data-service] button:has-text('确认')")
    phone_page.wait_for_selector("text=存入 2.5 小时")
    assert LedgerEntry.objects.get().hours == Decimal("2.5")

    phone_page.goto(f"{base}/time-bank/{volunteer.pk}/")
    assert "2.5" in phone_page.text_content("[data-balance]")
    fits(phone_page)
    phone_page.screenshot(path=str(shots / "volunteer-statement-phone.png"), full_page=True)
    phone_page.emulate_media(media="print")
    assert phone_page.is_hidden(".subnav") and phone_page.is_hidden("[data-print]")
    phone_page.emulate_media(media="screen")

    # The other new pages on the phone, then everything at a desk.
    services.care_plan_set(
        actor=SYSTEM, resident=elder, month=dt.date.today().replace(day=1), service="bathing", visits=2
    )
    pages = {
        "volunteer-hours": f"/time-bank/{volunteer.pk}/hours/",
        "volunteer-list": "/time-bank/",
        "care-plan": "/care/plans/new/",
        "care-list": "/care/",
    }
    for name, url in pages.items():
        phone_page.goto(base + url)
        fits(phone_page)
        phone_page.screenshot(path=str(shots / f"{name}-phone.png"), full_page=True)
    login_in_browser(page, live_server, "bank_officer")
    pages.update(
        {"volunteer-statement": f"/time-bank/{volunteer.pk}/", "volunteer-services": "/time-bank/services/"}
    )
    for name, url in pages.items():
        page.goto(base + url)
        page.screenshot(path=str(shots / f"{name}-desktop.png"), full_page=True)
    page.goto(base + f"/time-bank/{volunteer.pk}/")
    page.pdf(path=str(shots / "volunteer-statement.pdf"), format="A4")
    # Printed on A4 portrait (15 mm margins: 180 mm at 96 px an inch), the whole table on the page.
    a4_px = int(180 / 25.4 * 96)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": a4_px, "height": 900})
    assert (
        page.evaluate("document.querySelector('.statement-sheet table').getBoundingClientRect().right")
        <= a4_px
    )
    page.screenshot(path=str(shots / "volunteer-statement-print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("button[name=language][value=en]")
    page.goto(base + f"/time-bank/{volunteer.pk}/")
    assert "Time-bank statement" in page.text_content("main")
    page.screenshot(path=str(shots / "volunteer-statement-desktop-en.png"), full_page=True)
    page.goto(base + "/time-bank/services/")
    page.screenshot(path=str(shots / "volunteer-services-desktop-en.png"), full_page=True)
