"""End to end on a phone: an assessor records an assessment at the elder's home — the connection
drops as they submit, the draft stays in the browser and is sent when it returns — a second assessor
signs it off, the elder's page shows the grade and the visit list picks the elder up. Then the support
pages (care beds, adaptation, placements) on a phone and a desktop, with a set-up done on the phone."""

from __future__ import annotations

import datetime as dt
import importlib
import os
from pathlib import Path

import pytest

from conftest import login_in_browser

from ..models import Assessment, AssessmentPolicy
from .factories import PNG, answers_totalling, elder, make_assessor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if not AssessmentPolicy.objects.exists():  # the demo policy, as migration 0002 loads it
        from django.apps import apps

        importlib.import_module("eldercare.migrations.0002_seed_default_policy").seed(apps, None)


def test_assessor_records_at_home_second_signs_and_the_elder_page_shows_the_grade(
    live_server, phone_page, page, tmp_path
):
    shots = Path(os.environ.get("ELDERCARE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    make_assessor("pg_home")
    make_assessor("pg_check")
    resident, number = elder(dt.date(1936, 4, 18), name="王秀英")

    login_in_browser(phone_page, live_server, "pg_home")
    phone_page.goto(f"{live_server.url}/manage/eldercare/assess/")
    phone_page.fill("#id_id_number", number)
    phone_page.click("label.pill:has(input[name=place][value=home])")
    # Total 40 → preliminary grade 3 (30–45); dementia raises it to 4.
    for code, score in answers_totalling(40).items():
        phone_page.click(f"[id='item-{code}'] label.pill:has(input[value='{score}'])")
    phone_page.check("#id_dementia")
    phone_page.screenshot(path=str(shots / "assess-phone-top.png"))
    phone_page.locator("[id='item-B.2.4']").screenshot(path=str(shots / "assess-phone-item.png"))
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    # Big controls: every score button is at least 48 px tall.
    assert phone_page.locator("[id='item-B.1.1'] label.pill span").first.bounding_box()["height"] >= 48

    # The connection drops just as the assessor submits: nothing is sent, the draft is kept.
    phone_page.context.set_offline(True)
    phone_page.click("text=保存评估，提交复核")
    phone_page.wait_for_selector("#draft-status:has-text('网络已断开')")
    draft = phone_page.evaluate("JSON.parse(localStorage.getItem('eldercare-assessment-draft'))")
    assert draft["id_number"] == number and draft["item_B_1_1"] == "4" and draft["dementia"] is True
    phone_page.screenshot(path=str(shots / "assess-phone-offline.png"))
    assert Assessment.objects.count() == 0
    # Back online: the form is resent by itself and lands on the result.
    phone_page.context.set_offline(False)
    phone_page.wait_for_url(f"{live_server.url}/manage/eldercare/assessments/*/")
    phone_page.wait_for_selector("text=评估已保存")
    assert phone_page.text_content(".grade-panel .big-grade").strip().startswith("4")
    phone_page.screenshot(path=str(shots / "assessment-phone.png"), full_page=True)
    assert phone_page.evaluate("localStorage.getItem('eldercare-assessment-draft')") is None
    assessment = Assessment.objects.get()
    assert (assessment.total, assessment.preliminary_grade, assessment.final_grade) == (40, 3, 4)
    assert assessment.place == "home" and assessment.signed_at is None

    login_in_browser(page, live_server, "pg_check")
    # Not yet signed: the elder (no other difficulty) is not on the town's visit list.
    page.goto(f"{live_server.url}/manage/monitoring/visits/")
    assert "王秀英" not in page.text_content("main")
    page.goto(f"{live_server.url}/manage/eldercare/")
    page.click(f"a[href='/manage/eldercare/assessments/{assessment.pk}/']")
    page.click("text=复核无误，签字确认")
    page.wait_for_selector("text=已复核签字。")
    assessment.refresh_from_db()
    assert assessment.second_assessor.username == "pg_check"
    # Signed grade 4 counts as 失能: the visit list (monitoring) picks the elder up, monthly.
    page.goto(f"{live_server.url}/manage/monitoring/visits/")
    row = page.locator("li, tr", has_text="王秀英").first
    row.wait_for()
    assert "每月" in row.text_content()
    page.screenshot(path=str(shots / "visit-list-desktop.png"), full_page=True)

    page.goto(f"{live_server.url}/manage/eldercare/")
    page.fill("#id_id_number", number)
    page.click("button:has-text('查找')")
    page.wait_for_url(f"{live_server.url}/manage/eldercare/elders/{resident.pk}/")
    latest = page.text_content("#latest-grade")
    assert "4" in latest and "能力完全丧失（完全失能）" in latest
    assert number not in page.content()
    page.screenshot(path=str(shots / "elder-desktop.png"), full_page=True)

    phone_page.goto(f"{live_server.url}/manage/eldercare/elders/{resident.pk}/")
    assert "能力完全丧失" in phone_page.text_content("#latest-grade")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=str(shots / "elder-phone.png"), full_page=True)


def test_pages_fit_a_phone_and_read_chinese(live_server, phone_page, page, tmp_path):
    """The index, the lists and an elder's page with a care bed, an adaptation and a placement."""
    from django.contrib.gis.geos import Point

    from facilities.models import Facility, FacilityKind, FacilityStatus
    from hechuan_portal.accounts.models import Role

    from .. import services
    from ..models import GuaranteedBeds

    shots = Path(os.environ.get("ELDERCARE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    first = make_assessor("pg_pages_1", role=Role.DISTRICT_STAFF)
    second = make_assessor("pg_pages_2", role=Role.DISTRICT_STAFF)
    home = Facility.objects.create(
        name="合川区社会福利院", kind=FacilityKind.NURSING_HOME, town_id="500117001000",
        location=Point(106.26, 29.98, srid=4326), status=FacilityStatus.OPERATING,
    )  # fmt: skip
    GuaranteedBeds.objects.create(facility=home, capacity=20)
    people = []
    for n, (year, flags) in enumerate(
        [(1931, {"tekun": True}), (1935, {"dibao": True}), (1928, {}), (1950, {})]
    ):
        person, _ = elder(dt.date(year, 3, 1 + n), name=["陈玉兰", "刘国强", "赵淑珍", "黄建华"][n], **flags)
        people.append(person)
    for person, total in zip(people[:2], (40, 20), strict=True):
        a = services.assessment_record(
            actor=first,
            resident=person,
            assessed_on=dt.date(2026, 9, 1),
            place="home",
            items=answers_totalling(total),
        )
        services.assessment_sign(actor=second, assessment=a)
    services.placement_start(actor=first, resident=people[0], facility=home, start_on=dt.date(2026, 10, 8))
    case = services.adaptation_apply(actor=first, resident=people[1], applied_on=dt.date(2026, 10, 9))
    services.adaptation_assess_needs(actor=first, case=case, items={"JC-01": 2, "JC-03": 1, "KX-01": 1})
    bed = services.care_bed_apply(actor=first, resident=people[1], applied_on=dt.date(2026, 10, 9))
    centre = Facility.objects.create(
        name="合阳城居家养老服务中心", kind=FacilityKind.ELDER_CARE_CENTER, town_id="500117001000",
        location=Point(106.27, 29.99, srid=4326), status=FacilityStatus.OPERATING,
    )  # fmt: skip
    services.care_bed_agree(actor=first, bed=bed, provider=centre, on=dt.date(2026, 10, 10))

    login_in_browser(phone_page, live_server, "pg_pages_1")
    login_in_browser(page, live_server, "pg_pages_1")
    for name, url in [
        ("index", "/manage/eldercare/"),
        ("to-assess", "/manage/eldercare/to-assess/"),
        ("support", "/manage/eldercare/support/"),
        ("elder", f"/manage/eldercare/elders/{people[1].pk}/"),
    ]:
        phone_page.goto(f"{live_server.url}{url}")
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, url
        phone_page.screenshot(path=str(shots / f"{name}-phone.png"), full_page=True)
        page.goto(f"{live_server.url}{url}")
        page.screenshot(path=str(shots / f"{name}-desktop.png"), full_page=True)
    # The set-up visit on the phone: a photo taken, the location given by the phone.
    phone_page.context.grant_permissions(["geolocation"])
    phone_page.context.set_geolocation({"longitude": 106.2712, "latitude": 29.9911, "accuracy": 12})
    phone_page.goto(f"{live_server.url}/manage/eldercare/beds/{bed.pk}/")
    phone_page.wait_for_selector("text=定位成功")
    phone_page.set_input_files("#step-set_up input[type=file]", files=[
        {"name": "bed.png", "mimeType": "image/png", "buffer": PNG},
    ])  # fmt: skip
    phone_page.fill("#step-set_up textarea", "床边护栏、呼叫器已安装")
    phone_page.screenshot(path=str(shots / "bed-setup-phone.png"), full_page=True)
    phone_page.click("#step-set_up button[type=submit]")
    phone_page.wait_for_selector("text=已保存。")
    bed.refresh_from_db()
    assert bed.status == "active" and bed.photos.count() == 1 and round(bed.setup_location.y, 4) == 29.9911
    for name, url in [
        ("beds", "/manage/eldercare/beds/"),
        ("bed", f"/manage/eldercare/beds/{bed.pk}/"),
        ("bed-new", "/manage/eldercare/beds/new/"),
        ("bed-claims", "/manage/eldercare/bed-claims/"),
        ("adaptations", "/manage/eldercare/adaptations/"),
        ("adaptation", f"/manage/eldercare/adaptations/{case.pk}/"),
        ("placements", "/manage/eldercare/placements/"),
        ("placement-new", "/manage/eldercare/placements/new/"),
    ]:
        phone_page.goto(f"{live_server.url}{url}")
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, url
        phone_page.screenshot(path=str(shots / f"{name}-phone.png"), full_page=True)
        page.goto(f"{live_server.url}{url}")
        page.screenshot(path=str(shots / f"{name}-desktop.png"), full_page=True)
    page.goto(f"{live_server.url}/manage/eldercare/to-assess/")
    text = page.text_content("main")
    assert "赵淑珍" in text and "黄建华" not in text and "陈玉兰" not in text
    page.goto(f"{live_server.url}/manage/eldercare/support/")
    text = page.text_content("main")
    assert "陈玉兰" in text and "刘国强" in text
