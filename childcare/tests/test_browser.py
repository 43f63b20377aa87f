"""End to end: an operator enrols a child into a class and sees the place count change."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from childcare.models import Checkup
from childcare.services import checkup_record, class_create, enrolment_create
from conftest import TOWN_A, login_in_browser, make_user
from facilities.models import Facility
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.months import add_months

from .factories import ChildFactory, FacilityFactory, ensure_areas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Screenshots land here for a person to look at (CHILDCARE_SHOTS=/some/dir), else in tmp_path.
SHOTS = os.environ.get("CHILDCARE_SHOTS")


def shot(page, tmp_path, name):
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_operator_enrols_a_child_and_sees_the_place_count(live_server, page, phone_page, tmp_path):
    ensure_areas()
    operator = make_user("cc_operator", "facility_operator", TOWN_A)
    nursery = FacilityFactory(name="合阳托育园")
    nursery.operators.add(operator)
    klass = class_create(
        actor=SYSTEM,
        facility=nursery,
        name="托小一班",
        class_type="toddler_small",
        capacity=5,
        caregivers=1,
        is_inclusive=True,
    )
    today = timezone.localdate()
    for i in range(2):
        enrolment_create(
            actor=SYSTEM,
            child=ChildFactory(name=f"在托{i}", birth_date=add_months(today, -13), facility=nursery),
            klass=klass,
        )
    ChildFactory(name="李小满", birth_date=add_months(today, -14), facility=nursery)

    login_in_browser(page, live_server, "cc_operator")
    page.goto(f"{live_server.url}/manage/childcare/classes/{klass.pk}/")
    assert page.text_content("[data-testid=occupied]") == "2"
    assert page.text_content("[data-testid=vacant]") == "3"
    page.select_option("#id_child", label=f"李小满（{add_months(today, -14):%Y-%m-%d}）")
    shot(page, tmp_path, "class_detail_desktop")
    page.click("[data-testid=enrol]")
    page.wait_for_selector("text=已办理入托。")
    assert page.text_content("[data-testid=occupied]") == "3"
    assert page.text_content("[data-testid=vacant]") == "2"
    assert "李小满" in page.text_content("main")
    assert Facility.objects.get(pk=nursery.pk).places_occupied == 3
    shot(page, tmp_path, "class_detail_after_desktop")

    # The same pages on a phone, and the child page with its growth chart.
    clinic = FacilityFactory(kind="medical_partner", name="合阳社区卫生服务中心")
    child = klass.enrolments.get(child__name="在托0").child
    for checkup in Checkup.objects.filter(child=child, status="due", due_date__lte=today):
        checkup_record(
            actor=SYSTEM,
            checkup=checkup,
            clinic=clinic,
            performed_on=checkup.due_date,
            weight_kg=9.5,
            length_cm=76.0,
            head_cm=45.5,
            hearing="pass",
            vision="pass",
        )
    login_in_browser(phone_page, live_server, "cc_operator")
    for name, url in [
        ("class_list_phone", "/manage/childcare/classes/"),
        ("class_detail_phone", f"/manage/childcare/classes/{klass.pk}/"),
        ("overview_phone", "/manage/childcare/"),
        ("child_phone", f"/manage/childcare/children/{child.pk}/"),
        ("overdue_phone", "/manage/childcare/overdue/"),
        ("checkups_phone", "/manage/childcare/checkups/"),
        ("vouchers_phone", "/manage/childcare/vouchers/"),
    ]:
        phone_page.goto(live_server.url + url)
        if name == "child_phone":
            phone_page.wait_for_selector("#growth-chart canvas")
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (name, width)
        shot(phone_page, tmp_path, name)
    page.goto(f"{live_server.url}/manage/childcare/children/{child.pk}/")
    page.wait_for_selector("#growth-chart canvas")
    shot(page, tmp_path, "child_desktop")
    page.goto(f"{live_server.url}/manage/childcare/")
    shot(page, tmp_path, "overview_desktop")
