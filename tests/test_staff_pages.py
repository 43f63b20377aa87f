"""Issue 20: staff pages that finish the job — the menu, the refusal pages, confirmations, defaults."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_staff_menu_marks_the_current_place_and_has_a_phone_button(officer_a_client):
    html = officer_a_client.get("/manage/monitoring/").content.decode()
    assert 'data-staff-menu-toggle' in html
    assert 'aria-controls="staff-nav"' in html
    assert 'class="active" aria-current="page">监管与探访</a>' in html
    # the sub-menu uses the one sub-menu style
    assert '<nav class="subnav"' in html


def test_forbidden_page_is_styled_in_the_site_frame_with_a_way_back(officer_a_client):
    response = officer_a_client.get("/manage/subsidies/payroll/", HTTP_REFERER="http://testserver/manage/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "site-header" in html and "您的角色不能打开这个页面" in html
    assert 'href="/manage/"' in html and "返回上一页" in html
    assert "镇街工作人员" in html or "town" in html


def test_forbidden_page_in_english(officer_a_client):
    officer_a_client.cookies["django_language"] = "en"
    html = officer_a_client.get("/manage/subsidies/payroll/").content.decode()
    assert "Your role cannot open this page" in html


def test_not_found_page_is_styled_and_api_stays_json(officer_a_client):
    response = officer_a_client.get("/manage/facilities/999999999/")
    assert response.status_code == 404
    assert "site-header" in response.content.decode()
    assert "回到工作台" in response.content.decode()
    api = officer_a_client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_server_error_page_needs_no_database():
    from django.test import RequestFactory

    from hechuan_portal.errors import server_error

    response = server_error(RequestFactory().get("/manage/"))
    assert response.status_code == 500
    assert "服务器暂时出错" in response.content.decode() and "portal.css" in response.content.decode()


def test_export_after_reauthentication_starts_the_download_and_says_what_came(district_staff):
    """The password page used to stay on the filled-in form; now a page starts the download and
    names the file and its row count."""
    from django.test import Client

    from conftest import PASSWORD

    client = Client()
    client.force_login(district_staff)
    url = "/manage/subsidies/overpayments/export/"
    first = client.get(url)
    assert first.status_code == 302 and first["Location"].startswith("/accounts/reauth/")
    page = client.post(
        first["Location"], {"password": PASSWORD, "next": url, "back": "http://testserver/manage/subsidies/overpayments/"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<meta http-equiv="refresh" content="0;url={url}">' in html
    assert "身份已确认，文件开始下载" in html and 'href="http://testserver/manage/subsidies/overpayments/"' in html
    status_url = "/accounts/reauth/download-status/?since=" + str(page.context["since"])
    assert client.get(status_url).json() == {"download": None}
    download = client.get(url)
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    note = client.get(status_url).json()["download"]
    assert (note["name"], note["rows"]) == ("overpayments.csv", 0)


def test_reauthentication_for_a_page_still_redirects(district_staff):
    from django.test import Client

    from conftest import PASSWORD

    client = Client()
    client.force_login(district_staff)
    response = client.post("/accounts/reauth/", {"password": PASSWORD, "next": "/manage/residents/"})
    assert response.status_code == 302 and response["Location"] == "/manage/residents/"
