"""Issue 21 item 13, the rest: a full ID number is never accepted in a search URL (search by ID is
POST only), and area names are text, not HTML, in map tooltips (Chromium)."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from conftest import TOWN_A, login_in_browser, make_user
from facilities.models import Facility, FacilityKind, FacilityStatus
from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common import idcard

from . import matrix_world

NUMBER = "50011719400510777" + idcard.check_char("50011719400510777")


@pytest.fixture
def resident(db):
    return matrix_world._resident(TOWN_A, 777)  # holds NUMBER


@pytest.mark.parametrize("typed", [NUMBER, NUMBER.lower(), f" {NUMBER} "])
def test_a_full_id_number_in_the_search_url_is_refused(officer_a_client, resident, typed):
    before = AuditEvent.objects.filter(action="view").count()
    response = officer_a_client.get("/manage/residents/", {"q": typed})
    assert (response.status_code, response["Location"]) == (302, "/manage/residents/")
    page = officer_a_client.get(response["Location"])
    html = page.content.decode()
    assert page.context["results"] is None  # nothing was searched
    assert "身份证号不能写在网址中" in html
    assert NUMBER not in html.upper() and resident.name not in html
    assert AuditEvent.objects.filter(action="view").count() == before


def test_search_by_id_is_post_only_and_by_name_still_works_by_get(officer_a_client, resident):
    found = officer_a_client.post("/manage/residents/", {"q": NUMBER})
    assert found.status_code == 200 and [row.pk for row in found.context["results"]] == [resident.pk]
    assert NUMBER not in found.content.decode()  # not echoed back into the form
    by_name = officer_a_client.get("/manage/residents/", {"q": resident.name})
    assert by_name.status_code == 200 and [row.pk for row in by_name.context["results"]] == [resident.pk]


HOSTILE = '<img src=x onerror="window.__xss=1">合阳城街道'


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_area_names_render_as_text_in_map_tooltips(live_server, page, tmp_path):
    make_user("staff_tooltip", "district_staff")
    AdminArea.objects.filter(code=TOWN_A).update(
        name=HOSTILE, centroid=Point(106.27, 29.99, srid=4326), is_synthetic=True
    )
    Facility.objects.create(
        name="合阳城敬老院",
        kind=FacilityKind.NURSING_HOME,
        town_id=TOWN_A,
        status=FacilityStatus.OPERATING,
        location=Point(106.27, 29.99, srid=4326),
        beds_total=120,
        beds_nursing=80,
        beds_occupied=90,
    )
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login_in_browser(page, live_server, "staff_tooltip")
    page.wait_for_selector("[data-kpi=elder_beds] .kpi-link")
    page.click("[data-kpi=elder_beds] .kpi-link")
    page.wait_for_selector("#indicator-map .leaflet-interactive")
    markers = page.locator("#indicator-map .leaflet-interactive")
    tooltip_text = ""
    for index in range(markers.count()):
        markers.nth(index).hover(force=True)
        tooltip = page.locator(".leaflet-tooltip")
        if tooltip.count() and "onerror" in (tooltip.first.text_content() or ""):
            tooltip_text = tooltip.first.text_content() or ""
            break
    page.screenshot(path=str(tmp_path / "tooltip.png"))
    assert HOSTILE in tooltip_text  # the markup is shown as the characters it is made of
    assert page.locator(".leaflet-tooltip img").count() == 0
    assert page.evaluate("window.__xss") is None
    assert errors == []
