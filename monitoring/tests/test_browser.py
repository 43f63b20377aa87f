"""End to end on a phone: an officer records an inspection with one failed item; the operator sees it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import TOWN_A, login_in_browser, make_user
from monitoring import services
from monitoring.models import Finding, Topic

from .conftest import PNG
from .factories import LAT, LNG, FacilityFactory

# The live server reads committed rows: `reference_data` (root conftest) makes sure they are there.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_officer_records_on_a_phone_and_operator_sees_the_finding(live_server, phone_page, page, tmp_path):
    shots = Path(os.environ.get("MONITORING_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    officer = make_user("officer_e2e", "town_officer", TOWN_A)
    operator = make_user("operator_e2e", "facility_operator", TOWN_A)
    facility = FacilityFactory(name="合阳城敬老院", town_id=TOWN_A)
    facility.operators.add(operator)
    inspection = services.inspection_create(
        facility=facility, topic=Topic.FIRE_SAFETY, due_on=timezone.localdate(), actor=officer
    )
    items = list(inspection.template.items.all())

    context = phone_page.context
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": LAT + 0.0005, "longitude": LNG, "accuracy": 10})
    login_in_browser(phone_page, live_server, "officer_e2e")
    phone_page.goto(f"{live_server.url}/manage/monitoring/")
    phone_page.click("text=合阳城敬老院")
    phone_page.wait_for_selector(".loc-box.ok")
    assert "定位成功" in phone_page.text_content("[data-geo-status]")
    for item in items:
        value = "no" if item.position == 3 else "yes"
        phone_page.check(f"input[name=item_{item.pk}][value={value}]")
    phone_page.fill(f"input[name=note_{items[2].pk}]", "半年内未组织消防演练")
    phone_page.set_input_files(
        f"input[name=photo_{items[2].pk}]",
        files=[{"name": "drill.png", "mimeType": "image/png", "buffer": PNG}],
    )
    phone_page.screenshot(path=str(shots / "record-phone.png"), full_page=True)
    phone_page.locator('fieldset[data-item="3"]').screenshot(path=str(shots / "record-item3.png"))
    phone_page.screenshot(path=str(shots / "record-top.png"))
    # The page must fit the phone: nothing wider than the viewport.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.click("text=提交检查结果")
    phone_page.wait_for_selector("text=检查结果已保存")
    assert "限期整改" in phone_page.text_content("main")
    phone_page.screenshot(path=str(shots / "detail-phone.png"), full_page=True)

    finding = Finding.objects.get()
    assert (finding.description, finding.status, finding.severity) == (
        "半年内未组织消防演练",
        "open",
        "major",
    )

    login_in_browser(page, live_server, "operator_e2e")
    page.goto(f"{live_server.url}/manage/monitoring/")
    assert "半年内未组织消防演练" in page.text_content("main")
    page.click("text=半年内未组织消防演练")
    assert page.text_content("#finding-status") == "待整改"
    assert page.is_visible("text=提交整改材料")
    page.screenshot(path=str(shots / "finding-operator.png"), full_page=True)


PAGES = [
    "/manage/monitoring/",
    "/manage/monitoring/inspections/",
    "/manage/monitoring/findings/",
    "/manage/monitoring/plans/",
    "/manage/monitoring/due/",
    "/manage/monitoring/staff/",
    "/manage/monitoring/visits/",
    "/manage/monitoring/visits/rates/",
]


def test_pages_fit_a_phone_and_speak_chinese(live_server, phone_page, page, tmp_path):
    """Every staff page, with the demo data set, fits 390 px without sideways scrolling."""
    import io
    from datetime import date

    from monitoring import demo
    from monitoring.models import InspectionPlan

    from .factories import ResidentFactory, community

    shots = Path(os.environ.get("MONITORING_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    make_user("officer_pages", "town_officer", TOWN_A)
    make_user("staff_pages", "district_staff")
    east = community("500117001001", "东津沱社区")
    for n in range(6):
        FacilityFactory(name=f"合阳城演示养老院{n}", town_id=TOWN_A, is_demo=True, beds_occupied=n * 4)
    FacilityFactory(
        name="合阳城演示托育中心",
        kind="nursery",
        town_id=TOWN_A,
        is_demo=True,
        places_total=60,
        places_occupied=30,
    )
    for n in range(12):
        ResidentFactory(
            name=f"演示老人{n}",
            birth_date=date(1936 + n, 3, 1),
            lives_alone=n % 2 == 0,
            tekun=n % 3 == 0,
            community=east,
        )
    demo.seed(residents=12, stdout=io.StringIO())
    plan = InspectionPlan.objects.first()

    login_in_browser(phone_page, live_server, "officer_pages")
    for url in PAGES:
        phone_page.goto(live_server.url + url)
        name = url.strip("/").replace("/", "-") or "home"
        phone_page.screenshot(path=str(shots / f"phone-{name}.png"), full_page=True)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, url
    login_in_browser(page, live_server, "staff_pages")
    for url in [*PAGES, f"/manage/monitoring/plans/{plan.pk}/", "/manage/monitoring/findings/escalated/"]:
        page.goto(live_server.url + url)
        assert page.title() and "Traceback" not in page.content()
        name = url.strip("/").replace("/", "-")
        page.screenshot(path=str(shots / f"desktop-{name}.png"), full_page=True)
