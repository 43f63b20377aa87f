"""End to end in Debian's Chromium: a resident on a phone, an officer placing a facility on the map."""

import pytest

from conftest import TOWN_A, login_in_browser, make_user
from facilities.models import Facility, FacilityKind

from .factories import FacilityFactory, pt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = "test-artifacts"


def test_resident_on_a_phone_finds_the_nearest_canteen_and_opens_it(live_server, phone_page, reference_data):
    FacilityFactory(
        name="滨江社区老年食堂",
        kind=FacilityKind.ELDER_CANTEEN,
        location=pt(106.2700, 30.0030),
        phone="023-42750001",
    )
    FacilityFactory(name="南门老年食堂", kind=FacilityKind.ELDER_CANTEEN, location=pt(106.2700, 30.0120))
    FacilityFactory(
        name="更近的敬老院", kind=FacilityKind.NURSING_HOME, location=pt(106.2700, 30.0005), beds_total=40
    )
    context = phone_page.context
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"longitude": 106.2700, "latitude": 30.0000})

    phone_page.goto(live_server.url + "/")
    phone_page.click(".need-chip:has-text('助餐')")
    phone_page.click("[data-locate]")
    phone_page.wait_for_selector(".result-list .result")
    first = phone_page.locator(".result-list .result").first
    assert first.locator(".result-name").inner_text() == "滨江社区老年食堂"
    assert "约 333 米" in first.inner_text()
    assert first.locator("a.btn-call").get_attribute("href") == "tel:023-42750001"
    phone_page.screenshot(path=f"{SHOTS}/finder-phone.png", full_page=True)

    first.locator(".result-name").click()
    phone_page.wait_for_selector("h1:has-text('滨江社区老年食堂')")
    assert phone_page.url.startswith(live_server.url + "/f/")
    phone_page.screenshot(path=f"{SHOTS}/facility-phone.png", full_page=True)


def test_officer_adds_a_facility_by_clicking_the_map(live_server, page, reference_data):
    make_user("officer_map", "town_officer", TOWN_A)
    login_in_browser(page, live_server, "officer_map")
    page.goto(live_server.url + "/manage/facilities/new/")
    page.fill("#id_name", "地图新增日间照料中心")
    page.select_option("#id_kind", "day_care")
    page.wait_for_selector("#id_location-map.leaflet-container")
    box = page.locator("#id_location-map").bounding_box()
    # The map opens on the district; its centre (≈106.33 E, 30.11 N) is inside the district.
    page.locator("#id_location-map").click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    assert page.input_value("#id_location").startswith('{"type":"Point"')
    page.screenshot(path=f"{SHOTS}/facility-form.png", full_page=True)
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_selector("h1:has-text('地图新增日间照料中心')")
    facility = Facility.objects.get(name="地图新增日间照料中心")
    assert facility.town_id == TOWN_A
    assert 105.97 < facility.location.x < 106.68 and 29.85 < facility.location.y < 30.37
    page.screenshot(path=f"{SHOTS}/facility-detail.png", full_page=True)
