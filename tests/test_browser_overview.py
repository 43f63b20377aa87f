"""A district user opens the dashboard, sees the charts render and drills into a town."""

import pytest
from django.contrib.gis.geos import Point

from conftest import TOWN_A, login_in_browser, make_user
from facilities.models import Facility, FacilityKind, FacilityStatus
from hechuan_portal.areas.models import AdminArea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_district_user_sees_charts_and_drills_into_a_town(live_server, page, tmp_path):
    make_user("staff_e2e", "district_staff")
    AdminArea.objects.filter(code=TOWN_A).update(centroid=Point(106.27, 29.99, srid=4326), is_synthetic=True)
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
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login_in_browser(page, live_server, "staff_e2e")
    page.wait_for_selector("[data-kpi=elder_beds] .spark canvas")
    assert page.locator(".kpi canvas").count() >= 6
    assert "120" in page.text_content("[data-kpi=elder_beds] .kpi-value")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    page.click("[data-kpi=elder_beds] .kpi-link")
    page.wait_for_selector("#town-bars canvas")
    page.wait_for_selector("#indicator-map .leaflet-interactive")
    page.click("#town-table >> text=合阳城街道")
    page.wait_for_selector("#town-trend canvas")
    assert "合阳城街道 · 养老床位" in page.text_content("h1")
    assert errors == []
