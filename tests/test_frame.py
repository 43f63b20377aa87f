"""The site frame's parts are rendered once per process (accounts/templatetags/frame.py): what each
request sees in them is still its own — its CSRF token, its path, its language, its role's menu."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_each_session_gets_its_own_token_in_the_cached_header_and_it_works(district_staff, officer_a):
    first, second = _signed_in(district_staff), _signed_in(officer_a)
    tokens = {}
    for name, client in (("first", first), ("second", second)):
        html = client.get("/manage/").content.decode()
        found = set(TOKEN.findall(html))
        assert len(found) == 1 and "" not in found and "\ue000" not in html
        tokens[name] = found.pop()
    assert tokens["first"] != tokens["second"]
    # The token written into the cached header is the request's own: logging out with it works.
    response = second.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens["second"]})
    assert response.status_code == 302
    assert second.get("/manage/").status_code == 302  # signed out


def test_the_language_switch_returns_to_this_request_s_own_path_escaped(staff_client):
    staff_client.get("/manage/residents/?q=甲")  # renders the header once
    html = staff_client.get("/manage/facilities/?town=500117001&status=operating").content.decode()
    assert 'name="next" value="/manage/facilities/?town=500117001&amp;status=operating"' in html


def test_the_menu_is_each_role_s_own_after_another_role_rendered_it(
    staff_client, auditor_client, operator_client
):
    staff = staff_client.get("/manage/residents/").content.decode()
    assert "户籍人口</a>" in staff and "审计日志" not in staff
    audit = auditor_client.get("/manage/audit/").content.decode()
    assert "审计日志</a>" in audit and "户籍人口</a>" not in audit
    facilities = operator_client.get("/manage/facilities/").content.decode()
    assert "户籍人口</a>" not in facilities and "高龄津贴</a>" not in facilities
    assert 'class="active" aria-current="page">服务设施</a>' in facilities


def test_the_marked_place_follows_the_page(staff_client):
    assert (
        'class="active" aria-current="page">户籍人口</a>'
        in staff_client.get("/manage/residents/").content.decode()
    )
    html = staff_client.get("/manage/monitoring/").content.decode()
    assert 'class="active" aria-current="page">监管与探访</a>' in html
    assert 'aria-current="page">户籍人口</a>' not in html


def test_the_header_and_menu_follow_the_active_language(staff_client):
    assert "退出" in staff_client.get("/manage/").content.decode()
    staff_client.cookies["django_language"] = "en"
    html = staff_client.get("/manage/").content.decode()
    assert ">Log out<" in html or ">Sign out<" in html
    assert "退出" not in html and "户籍人口</a>" not in html
    assert 'value="zh-hans"' in html


def test_signed_out_visitors_get_the_sign_in_link_not_a_signed_in_header(staff_client):
    staff_client.get("/manage/")
    html = Client().get("/").content.decode()
    assert 'href="/accounts/login/"' in html and "/accounts/logout/" not in html


def test_the_large_type_choice_is_each_visitor_s_own():
    plain = Client().get("/").content.decode()
    large = Client(HTTP_COOKIE="large_type=1")
    large.cookies["large_type"] = "1"
    html = large.get("/").content.decode()
    assert 'aria-pressed="true"' in html and 'aria-pressed="false"' in plain


def test_a_password_sign_in_still_posts_with_a_token_from_the_cached_header(district_staff):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/").content.decode()
    token = TOKEN.findall(page)[0]
    response = client.post(
        "/accounts/login/",
        {"username": district_staff.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_per_request_values_inside_a_frame_are_each_request_s_own_and_escaped():
    from django.template import Context, Template
    from django.test import RequestFactory

    page = Template(
        '{% load frame %}{% frame "t" %}<form>{% csrf_token %}<input name="next" value="{{ frame_path }}">'
        '</form><script nonce="{{ CSP_NONCE }}"></script>{% endframe %}'
    )
    seen = []
    for n in range(2):
        request = RequestFactory().get(f"/manage/?n={n}&a=<b>")
        html = page.render(Context({"request": request, "csrf_token": f"token{n}", "CSP_NONCE": f"nonce{n}"}))
        seen.append(html)
        assert f'value="token{n}"' in html and f'nonce="nonce{n}"' in html
        assert f'value="/manage/?n={n}&amp;a=%3Cb%3E"' in html
    assert "\ue000" not in "".join(seen)
