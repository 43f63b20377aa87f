"""The role cast every test can use (STYLE: tests), and the browser for end-to-end tests.

Users: district admin, district staff, officers of town A (合阳城街道) and town B (钓鱼城街道), a
facility operator, an auditor, and anonymous — each with a logged-in Django test client.
"""

from __future__ import annotations

import os
import time

import pytest
from django.test import Client

from hechuan_portal.accounts.models import Role, User


def _share_serialized_contents() -> None:
    """Make the test database's serialized contents visible to every connection object.

    Django keeps connections in an asgiref Local, i.e. per context. Under Playwright's sync API a test
    runs in another context and gets a fresh connection object without `_test_serialized_contents`:
    serialized_rollback then silently restores nothing (the towns are gone) and the flush after the
    test re-creates content types, which breaks the next serialized test. Storing the contents on the
    connection class as well fixes both.
    """
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.serialize_db_to_string
    if getattr(original, "_shared", False):
        return

    def serialize_db_to_string(self):
        data = original(self)
        type(self.connection)._test_serialized_contents = data
        return data

    serialize_db_to_string._shared = True
    BaseDatabaseCreation.serialize_db_to_string = serialize_db_to_string


_share_serialized_contents()


def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated reference data (areas, targets, schedules).

    A transactional test ends with a flush; without serialized rollback the 31 areas from the data
    migration would be gone for the tests after it, and the content types re-created by the flush
    would clash with the next restore. So serialized rollback is switched on for all of them.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        kwargs = dict(marker.kwargs) if marker else {}
        transactional = kwargs.get("transaction") or (
            marker is not None and bool(marker.args and marker.args[0])
        )
        transactional = transactional or "transactional_db" in fixtures or "live_server" in fixtures
        if transactional and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


# (migration module, its loading function, a model whose rows show the data is there)
_REFERENCE_DATA = [
    ("hechuan_portal.areas.migrations.0002_load_hechuan_towns", "load", "areas.AdminArea"),
    ("facilities.reference", "load_service_layers", "facilities.ServiceLayer"),
    ("monitoring.migrations.0002_seed_checklist_templates", "seed", "monitoring.ChecklistTemplate"),
    ("subsidies.migrations.0002_demo_policy_and_config", "create", "subsidies.AllowancePolicy"),
]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request's LocaleMiddleware leaves the language it
    activated (an English page, say) active in the thread after the response, for the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_page_parts():
    """Cached page parts (common/fragments.py) rendered in an earlier test show that test's rows; the
    factories write rows without telling the cache."""
    from hechuan_portal.common import fragments

    fragments.forget_all()


@pytest.fixture
def reference_data(db):
    """The rows the data migrations load (towns, service-circle layers, checklist templates, the demo
    allowance policy), put back if missing. Serialized rollback restores them for transactional tests
    (hook above); this guard is for tests that talk to another process (live server, Celery worker,
    a second `manage.py`) and must find them committed whatever ran before."""
    import importlib

    from django.apps import apps

    for module, function, model in _REFERENCE_DATA:
        if not apps.get_model(model).objects.exists():
            getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def celery_eager():
    """Celery tasks run in the test's own process, their errors raised in the test; put back after.

    The one way a test runs tasks eagerly. Set on the Celery app itself: the app reads
    CELERY_TASK_ALWAYS_EAGER from the settings once, when a task is first sent, so changing the
    setting in a later test does nothing (the task goes to the broker and the page never shows it)."""
    from hechuan_portal.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    try:
        yield app
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved


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


def _client_for(user: User | None, *, reauthenticated: bool = True) -> Client:
    """A logged-in client. By default its session has just re-entered the password, so reveals and
    exports answer directly; tests of the re-authentication step pass `reauthenticated=False`."""
    from hechuan_portal.accounts.reauth import REAUTH_SESSION_KEY

    client = Client()
    if user is not None:
        client.force_login(user)
        if reauthenticated:
            session = client.session
            session[REAUTH_SESSION_KEY] = int(time.time())
            session.save()
    return client


def run_export(client, url: str, callbacks) -> str:
    """Start a background export from its page link (its task runs eagerly once the request
    commits: use with `celery_eager`); returns the job page's path."""
    with callbacks(execute=True):
        response = client.get(url)
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith("/accounts/exports/")
    return response["Location"]


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


@pytest.fixture
def _playwright():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between page actions are still synchronous, so Django's async guard is lifted for it.
    # Function scope on purpose: with a loop left running across tests, Django's connections
    # become context-local and a later test can read through a stale connection.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        yield pw
        # The connections the test opened while the loop ran belong to this context only: close
        # them here, or they outlive the test and the test database cannot be dropped at the end.
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close()


@pytest.fixture
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


# 1×1 transparent PNG served for map tiles: the machine has no internet, and an aborted tile request
# would show up as a console error in tests that assert there are none.
_BLANK_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)


def _serve_blank_tiles(context) -> None:
    context.route(
        "**/tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=_BLANK_TILE),
    )
    context.route(
        "**/*.tianditu.gov.cn/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=_BLANK_TILE),
    )


@pytest.fixture
def page(chromium):
    """A desktop page; use `phone_page` for the phone-sized viewport. Map tiles are served blank."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _serve_blank_tiles(context)
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
    _serve_blank_tiles(context)
    pg = context.new_page()
    yield pg
    context.close()


def login_in_browser(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Log in through the form. A district administrator must have a second factor: one is bound
    for them here and its current TOTP code typed in, as the person would from their phone."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.get(username=username)
    token = ""
    if user.role == Role.DISTRICT_ADMIN:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test phone", confirmed=True
        )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        token = f"{totp.token():0{device.digits}d}"
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    if token:
        page.fill("#id_otp_token", token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/manage/**")


@pytest.fixture
def on_commit_tasks(celery_eager, django_capture_on_commit_callbacks):
    """`with on_commit_tasks(): …`: the Celery tasks the block queues on commit (the summaries a
    household import rebuilds, say) run in this process when it ends, as a worker would run them."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
