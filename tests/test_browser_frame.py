"""End to end in Debian's Chromium: a resident opens /, a staff member logs in to /manage/."""

import pytest

from conftest import TOWN_A, login_in_browser, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_resident_sees_chinese_and_officer_logs_in(live_server, page, tmp_path):
    make_user("officer_e2e", "town_officer", TOWN_A)
    page.goto(live_server.url + "/")
    assert "找身边的养老、助餐、托育服务" in page.text_content("h1")
    page.wait_for_selector("#finder-map.leaflet-container")
    page.screenshot(path=str(tmp_path / "finder.png"))
    page.click("text=工作人员登录")
    login_in_browser(page, live_server, "officer_e2e")
    assert page.url == live_server.url + "/manage/"
    assert "管辖范围：合阳城街道" in page.text_content("main")
