"""Issue 20: the monthly report prints on A4 landscape with every column; screenshots of the staff
home on a phone and at a desk."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from conftest import login_in_browser, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A4 landscape less the 12 mm margins of @page: 273 mm at 96 px per inch.
A4_LANDSCAPE_PX = int(273 / 25.4 * 96)


def test_monthly_report_fits_a4_landscape_with_every_column(reference_data, live_server, page, tmp_path):
    call_command("seed_demo", residents=300, verbosity=0)
    make_user("print_staff", "district_staff")
    login_in_browser(page, live_server, "print_staff")
    page.goto(live_server.url + "/manage/overview/report/")
    columns = page.eval_on_selector_all(".report-table thead th", "els => els.length")
    assert columns > 10
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_LANDSCAPE_PX, "height": 700})
    right = page.evaluate("document.querySelector('.report-table').getBoundingClientRect().right")
    last = page.evaluate(
        "Array.from(document.querySelectorAll('.report-table thead th')).pop().getBoundingClientRect().right"
    )
    assert right <= A4_LANDSCAPE_PX and last <= A4_LANDSCAPE_PX
    page.pdf(path=str(tmp_path / "report.pdf"), format="A4", landscape=True)
    page.screenshot(path="/tmp/staff/report-print.png", full_page=True)


def test_screenshots_phone_and_desk(reference_data, live_server, page, phone_page):
    make_user("shot_officer", "town_officer", "500117001000")
    for pg, name in ((phone_page, "phone"), (page, "desk")):
        login_in_browser(pg, live_server, "shot_officer")
        pg.goto(live_server.url + "/manage/monitoring/")
        if name == "phone":
            pg.click("[data-staff-menu-toggle]")
        pg.screenshot(path=f"/tmp/staff/monitoring-{name}.png")
        pg.goto(live_server.url + "/manage/subsidies/payroll/")
        assert "您的角色不能打开这个页面" in pg.inner_text("main")
        pg.screenshot(path=f"/tmp/staff/403-{name}.png")
