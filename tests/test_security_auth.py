"""Authentication and sessions: lockout, password rules, session id rotation, idle and absolute
limits, TOTP (optional for staff, required for district admins), re-authentication."""

import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from redis import Redis
from rest_framework.test import APIClient

from conftest import PASSWORD, make_user
from hechuan_portal.accounts.middleware import SESSION_STARTED_KEY, SESSION_TOUCHED_KEY
from hechuan_portal.accounts.models import AuditAction, AuditEvent, Role
from hechuan_portal.accounts.passwords import CharacterClassValidator
from hechuan_portal.accounts.reauth import REAUTH_SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # Dozens of logins per test: a fast hash keeps the module quick (autouse runs before the users).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _login(client, username, password=PASSWORD, ip="10.0.0.1", **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, **extra}, REMOTE_ADDR=ip
    )


# --- lockout -----------------------------------------------------------------------------------


def test_five_failures_lock_the_account_from_that_address_only(officer_a, officer_b):
    attacker = Client()
    statuses = [_login(attacker, "officer_a", "wrong", ip="10.0.0.9").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    locked = _login(attacker, "officer_a", PASSWORD, ip="10.0.0.9")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in attacker.session
    # The owner at their own desk still gets in: the attacker cannot lock them out at will.
    owner = Client()
    assert _login(owner, "officer_a", PASSWORD, ip="10.0.0.1").status_code == 302
    # A colleague behind the attacker's address is not locked either.
    assert _login(Client(), "officer_b", PASSWORD, ip="10.0.0.9").status_code == 302


def test_password_spraying_from_one_address_is_stopped(db):
    for i in range(settings.AXES_IP_FAILURE_LIMIT):
        _login(Client(), f"nobody{i}", "wrong", ip="10.0.0.66")
    make_user("victim", Role.DISTRICT_STAFF)
    assert _login(Client(), "victim", PASSWORD, ip="10.0.0.66").status_code == 429
    assert _login(Client(), "victim", PASSWORD, ip="10.0.0.67").status_code == 302


def test_token_endpoint_is_locked_too_with_a_json_answer(officer_a):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": "officer_a", "password": "x"}, format="json")
    response = client.post(
        "/api/v1/auth/token/", {"username": "officer_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "token" not in response.json()


def test_success_resets_the_failure_count(officer_a):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "officer_a", "wrong")
    assert _login(client, "officer_a", PASSWORD).status_code == 302
    assert AccessAttempt.objects.filter(username="officer_a").count() == 0


def test_failed_logins_are_audited_without_the_password(officer_a):
    _login(Client(), "officer_a", "Secret-guess-1")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.object_id, event.ip) == ("officer_a", "10.0.0.1")
    assert "Secret-guess-1" not in str(event.changes) + event.reason


# --- passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Abcdefghij1", True),  # upper, lower, digit
        ("abcdefghij1!", True),  # lower, digit, symbol
        ("ABCDEFGHIJ-1", True),  # upper, digit, symbol
        ("abcdefghijk", False),  # one class
        ("abcdefghij12", False),  # two classes
        ("ABCDEFGH-JKL", False),  # two classes
        ("Hc-1", False),  # too short (10 minimum)
        ("1234567890Aa", True),
    ],
)
def test_password_rules(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_character_class_message_is_chinese():
    with pytest.raises(ValidationError) as err:
        CharacterClassValidator().validate("abcdefghijk")
    assert err.value.messages == ["密码须包含大写字母、小写字母、数字、符号中的至少三类。"]


# --- sessions ----------------------------------------------------------------------------------


def test_login_issues_a_new_session_id(officer_a):
    client = Client()
    client.get("/accounts/login/")
    client.session["planted"] = 1  # materialise a pre-login session
    session = client.session
    session["planted"] = 1
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key
    assert _login(client, "officer_a").status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before
    assert client.session.get("planted") == 1  # the data moved, the id did not


def _touched_ago(client, seconds: int) -> None:
    """The session as if its expiry was last pushed forward `seconds` ago, with that much less to live."""
    session = client.session
    session[SESSION_TOUCHED_KEY] = int(time.time()) - seconds
    session.save()
    session.set_expiry(None)
    cache.touch(session.cache_key, settings.SESSION_COOKIE_AGE - seconds)


def _seconds_left(client) -> int:
    redis = Redis.from_url(settings.CACHES["default"]["LOCATION"])
    return redis.ttl(cache.make_and_validate_key(client.session.cache_key))


def test_idle_timeout_is_thirty_minutes_pushed_forward_once_a_minute(officer_a):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_COOKIE_HTTPONLY is True
    client = Client()
    _login(client, "officer_a")
    # 59 s after the last save: the request is served from the session as it is, nothing written.
    _touched_ago(client, settings.SESSION_TOUCH_SECONDS - 1)
    response = client.get("/manage/")
    assert response.status_code == 200 and settings.SESSION_COOKIE_NAME not in response.cookies
    assert _seconds_left(client) <= settings.SESSION_COOKIE_AGE - settings.SESSION_TOUCH_SECONDS + 1
    # 60 s: the session is saved again with a full 30 minutes, in the store and in the cookie.
    _touched_ago(client, settings.SESSION_TOUCH_SECONDS)
    response = client.get("/manage/")
    assert response.status_code == 200
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    assert _seconds_left(client) >= settings.SESSION_COOKIE_AGE - 2


def test_a_session_idle_past_its_expiry_is_signed_out(officer_a):
    client = Client()
    _login(client, "officer_a")
    assert client.get("/manage/").status_code == 200
    cache.delete(client.session.cache_key)  # what Redis does when the 30 minutes run out
    response = client.get("/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_absolute_session_limit_logs_out(officer_a):
    client = Client()
    _login(client, "officer_a")
    assert client.get("/manage/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/manage/").status_code == 302  # still logged out


def test_absolute_session_limit_on_the_api_is_json_401(officer_a):
    client = Client()
    _login(client, "officer_a")
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


# --- TOTP --------------------------------------------------------------------------------------


def _unthrottle(device):
    # django-otp delays the next try after a wrong code; the test does not wait for it.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_district_admin_must_set_up_totp_before_anything_else(district_admin):
    client = Client()
    response = _login(client, "admin_a")
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/"
    assert client.get("/manage/")["Location"] == "/accounts/otp/"
    assert client.get("/api/v1/auth/me/").json()["code"] == "otp_setup_required"
    page = client.get("/accounts/otp/").content.decode()
    device = TOTPDevice.objects.get(user=district_admin, confirmed=False)
    assert "otpauth://totp/" in page and "<svg" in page
    secret = page.split('id="otp-secret">')[1].split("<")[0]
    assert len(secret) == 32
    assert (
        client.post(
            "/accounts/otp/", {"token": "000000" if _code(device) != "000000" else "111111"}
        ).status_code
        == 400
    )
    _unthrottle(device)
    assert client.post("/accounts/otp/", {"token": _code(device)})["Location"] == "/manage/"
    assert client.get("/manage/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_login_with_a_device_needs_the_code(district_staff):
    device = TOTPDevice.objects.create(user=district_staff, name="phone", confirmed=True)
    without = _login(Client(), "staff_a")
    assert without.status_code == 200 and "请输入动态口令" in without.content.decode()
    wrong = _login(Client(), "staff_a", otp_token="12345")
    assert wrong.status_code == 200 and "动态口令不正确" in wrong.content.decode()
    _unthrottle(device)
    client = Client()
    assert _login(client, "staff_a", otp_token=_code(device))["Location"] == "/manage/"
    assert client.get("/manage/").status_code == 200


def test_staff_without_a_device_logs_in_with_a_password(district_staff):
    assert _login(Client(), "staff_a")["Location"] == "/manage/"


def test_admin_login_form_goes_through_the_portal_login():
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- re-authentication -------------------------------------------------------------------------


@pytest.mark.urls("tests.security_urls")
def test_reveal_needs_a_fresh_password(officer_a):
    client = Client()
    _login(client, "officer_a")
    response = client.get("/t/reveal/")
    assert response.status_code == 302 and response["Location"] == "/accounts/reauth/?next=%2Ft%2Freveal%2F"
    assert client.post("/accounts/reauth/", {"password": "wrong", "next": "/t/reveal/"}).status_code == 400
    back = client.post("/accounts/reauth/", {"password": PASSWORD, "next": "/t/reveal/"})
    assert back["Location"] == "/t/reveal/"
    assert client.get("/t/reveal/").content == b"revealed"
    assert client.get("/t/export/").content == b"export"
    # After REAUTH_MAX_AGE the password is asked again.
    session = client.session
    session[REAUTH_SESSION_KEY] = int(time.time()) - settings.REAUTH_MAX_AGE - 1
    session.save()
    assert client.get("/t/export/").status_code == 302


@pytest.mark.urls("tests.security_urls")
def test_reauth_next_cannot_leave_the_site(officer_a):
    client = Client()
    _login(client, "officer_a")
    response = client.post("/accounts/reauth/", {"password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/manage/"


@pytest.mark.urls("tests.security_urls")
def test_api_reveal_needs_session_reauth_or_the_password_header(officer_a):
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "officer_a", "password": PASSWORD}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    refused = client.get("/api/t/reveal/")
    assert refused.status_code == 403
    assert client.get("/api/t/reveal/", HTTP_X_REAUTH_PASSWORD="wrong").status_code == 403
    assert client.get("/api/t/reveal/", HTTP_X_REAUTH_PASSWORD=PASSWORD).json() == {"ok": True}


@pytest.mark.urls("tests.security_urls")
def test_reauth_anonymous_goes_to_login():
    response = Client().get("/t/reveal/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_api_token_for_a_district_admin_needs_the_second_factor(district_admin):
    client = APIClient()
    body = {"username": "admin_a", "password": PASSWORD}
    refused = client.post("/api/v1/auth/token/", body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "otp_setup_required")
    device = TOTPDevice.objects.create(user=district_admin, name="phone", confirmed=True)
    wrong = client.post("/api/v1/auth/token/", {**body, "otp_token": "1"}, format="json")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "otp_invalid")
    _unthrottle(device)
    ok = client.post("/api/v1/auth/token/", {**body, "otp_token": _code(device)}, format="json")
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40
