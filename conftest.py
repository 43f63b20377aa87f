"""The role cast every test can use (STYLE: tests), and the browser for end-to-end tests.

Users: district admin, district staff, officers of town A (合阳城街道) and town B (钓鱼城街道), a
facility operator, an auditor, and anonymous — each with a logged-in Django test client.
"""

from __future__ import annotations

import os

import pytest
from django.test import Client

from hechuan_portal.accounts.models import Role, User

TOWN_A = "500117001000"  # 合阳城街道
TOWN_B = "500117002000"  # 钓鱼城街道
PASSWORD = "Hc-test-Passw0rd!"


def make_user(username: str, role: str, area_code: str | None = None) -> User:
    user = User(username=username, role=role, area_id=area_code, first_name=username)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def district_admin(db):
    return make_user("admin_a", Role.DISTRICT_ADMIN)


@pytest.fixture
def district_staff(db):
    return make_user("staff_a", Role.DISTRICT_STAFF)


@pytest.fixture
def officer_a(db):
    return make_user("officer_a", Role.TOWN_OFFICER, TOWN_A)


@pytest.fixture
def officer_b(db):
    return make_user("officer_b", Role.TOWN_OFFICER, TOWN_B)


@pytest.fixture
def operator(db):
    return make_user("operator_a", Role.FACILITY_OPERATOR, TOWN_A)


@pytest.fixture
def auditor(db):
    return make_user("auditor_a", Role.AUDITOR)


def _client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def anon_client():
    return Client()


@pytest.fixture
def admin_client_(district_admin):
    return _client_for(district_admin)


@pytest.fixture
def staff_client(district_staff):
    return _client_for(district_staff)


@pytest.fixture
def officer_a_client(officer_a):
    return _client_for(officer_a)


@pytest.fixture
def officer_b_client(officer_b):
    return _client_for(officer_b)


@pytest.fixture
def operator_client(operator):
    return _client_for(operator)


@pytest.fixture
def auditor_client(auditor):
    return _client_for(auditor)


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between page actions are still synchronous, so Django's async guard is lifted for it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def chromium(_playwright):
    """Debian's Chromium, headless; never a downloaded browser."""
    browser = _playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture
def page(chromium):
    """A desktop page; use `phone_page` for the phone-sized viewport. Tiles are blocked (no internet)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone_page(chromium):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    context.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    pg = context.new_page()
    yield pg
    context.close()


def login_in_browser(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/manage/**")
