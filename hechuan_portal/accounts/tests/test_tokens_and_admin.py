"""Issue 21 items 6 (admin and second factor), 7 (privilege changes audited, sessions and tokens
ended) and 8 (hashed, expiring, revocable API tokens; throttling)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from conftest import PASSWORD, TOWN_A
from hechuan_portal.accounts import tokens
from hechuan_portal.accounts.models import ApiToken, AuditAction, AuditEvent, Role, User
from hechuan_portal.accounts.services import district_admin_group_sync
from hechuan_portal.accounts.testing import verify_second_factor
from hechuan_portal.accounts.tokens import (
    ClientRateThrottle,
    throttle_hit,
    throttle_key,
    throttle_reset,
    token_digest,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _token(username: str, password: str = PASSWORD, **extra) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def _api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _verified_admin_client(user: User) -> Client:
    district_admin_group_sync(user=user)  # as create_portal_user and the admin do
    client = Client()
    client.force_login(user)
    verify_second_factor(client, user)
    return client


# --- item 8: tokens ------------------------------------------------------------------------------


def test_tokens_are_stored_hashed_and_expire(officer_a):
    key = _token("officer_a")
    row = ApiToken.objects.get(user=officer_a)
    assert row.digest == token_digest(key) and key not in {row.digest, row.prefix, row.fingerprint}
    assert row.prefix == key[:8]
    assert row.expires - timezone.now() > timedelta(days=29)
    assert _api(key).get("/api/v1/auth/me/").status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires=timezone.now() - timedelta(seconds=1))
    expired = _api(key).get("/api/v1/auth/me/")
    assert (expired.status_code, expired.json()["code"]) == (401, "not_authenticated")


def test_a_password_change_revokes_tokens_and_sessions(officer_a):
    key = _token("officer_a")
    browser = Client()
    browser.force_login(officer_a)
    assert browser.get("/manage/").status_code == 200
    officer_a.set_password("An0ther-Passw0rd!")
    officer_a.save()
    assert _api(key).get("/api/v1/auth/me/").status_code == 401
    assert browser.get("/manage/").status_code == 302  # signed out


def test_deactivation_revokes_tokens(officer_a):
    key = _token("officer_a")
    User.objects.filter(pk=officer_a.pk).update(is_active=False)
    assert _api(key).get("/api/v1/auth/me/").status_code == 401


def test_a_user_lists_and_revokes_their_own_tokens_only(officer_a, officer_b):
    first, second = _token("officer_a", name="laptop"), _token("officer_a")
    other = _token("officer_b")
    listing = _api(first).get("/api/v1/auth/tokens/").json()
    assert [t["prefix"] for t in listing] == [second[:8], first[:8]]
    assert all("digest" not in t and "token" not in t for t in listing)
    other_id = ApiToken.objects.get(user=officer_b).pk
    assert _api(first).delete(f"/api/v1/auth/tokens/{other_id}/").status_code == 404
    assert _api(other).get("/api/v1/auth/me/").status_code == 200
    second_id = ApiToken.objects.get(prefix=second[:8]).pk
    assert _api(first).delete(f"/api/v1/auth/tokens/{second_id}/").status_code == 204
    assert _api(second).get("/api/v1/auth/me/").status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="accounts.apitoken").count() == 1


def test_the_token_endpoint_is_throttled_per_client_with_retry_after(officer_a, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"token": "3/min", "near": "3/min"})
    throttle_reset("token", "10.1.0.1", "10.1.0.2")
    client = APIClient()
    body = {"username": "officer_a", "password": PASSWORD}
    statuses = [
        client.post("/api/v1/auth/token/", body, format="json", REMOTE_ADDR="10.1.0.1").status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = client.post("/api/v1/auth/token/", body, format="json", REMOTE_ADDR="10.1.0.1")
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another client is not affected.
    assert client.post("/api/v1/auth/token/", body, format="json", REMOTE_ADDR="10.1.0.2").status_code == 200
    throttle_reset("token", "10.1.0.1", "10.1.0.2")


def test_the_throttle_window_counts_in_one_key_and_starts_again_when_it_ends():
    key = throttle_key("test", "10.1.0.9")
    throttle_reset("test", "10.1.0.9")
    assert throttle_hit(key, 1) == (1, 1)
    assert throttle_hit(key, 60)[0] == 2  # a later hit does not stretch the window
    time.sleep(1.1)
    assert throttle_hit(key, 1) == (1, 1)
    throttle_reset("test", "10.1.0.9")


def test_a_throttle_count_left_without_expiry_gets_its_window():
    """A count that somehow has no expiry (written by hand, or by an older release) is not a
    client refused for ever: the next hit gives it the window."""
    key = throttle_key("test", "10.1.0.8")
    tokens._redis().set(key, 5)
    assert throttle_hit(key, 60) == (6, 60)
    assert 0 < tokens._redis().ttl(key) <= 60
    throttle_reset("test", "10.1.0.8")


# --- item 7: privilege changes ---------------------------------------------------------------------


def test_a_role_change_in_the_admin_is_audited_and_ends_sessions_and_tokens(district_admin, officer_a):
    key = _token("officer_a")
    browser = Client()
    browser.force_login(officer_a)
    admin = _verified_admin_client(district_admin)
    form = admin.get(f"/admin/accounts/user/{officer_a.pk}/change/")
    assert form.status_code == 200
    data = {
        "username": "officer_a",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "role": Role.DISTRICT_STAFF,
        "area": "",
        "phone": "",
        "date_joined_0": "2026-12-01",
        "date_joined_1": "08:00:00",
        "last_login_0": "",
        "last_login_1": "",
    }
    response = admin.post(f"/admin/accounts/user/{officer_a.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=officer_a.pk).role == Role.DISTRICT_STAFF
    event = AuditEvent.objects.get(
        object_type="accounts.user", object_id=str(officer_a.pk), action=AuditAction.UPDATE
    )
    assert event.actor_username == "admin_a"
    assert event.changes["role"] == [Role.TOWN_OFFICER, Role.DISTRICT_STAFF]
    assert event.changes["area_id"] == [TOWN_A, None]
    assert _api(key).get("/api/v1/auth/me/").status_code == 401
    assert browser.get("/manage/").status_code == 302
    # The administrator's own session is untouched.
    assert admin.get("/admin/").status_code == 200


def test_a_password_set_in_the_admin_is_audited(district_admin, officer_a):
    key = _token("officer_a")
    admin = _verified_admin_client(district_admin)
    response = admin.post(
        f"/admin/accounts/user/{officer_a.pk}/password/",
        {"password1": "An0ther-Passw0rd!", "password2": "An0ther-Passw0rd!", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(object_id=str(officer_a.pk), reason="密码变更").count() == 1
    assert _api(key).get("/api/v1/auth/me/").status_code == 401


def test_an_administrators_own_password_change_is_audited_and_keeps_this_session(district_admin):
    key = _token_for_admin(district_admin)
    admin = _verified_admin_client(district_admin)
    response = admin.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "An0ther-Passw0rd!",
            "new_password2": "An0ther-Passw0rd!",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(object_id=str(district_admin.pk), reason="密码变更").count() == 1
    assert admin.get("/admin/").status_code == 200
    assert _api(key).get("/api/v1/auth/me/").status_code == 401


def _token_for_admin(user: User) -> str:
    from hechuan_portal.accounts.services import api_token_create

    return api_token_create(actor=user)[1]


def test_removing_a_totp_device_in_the_admin_is_audited_and_signs_the_owner_out(
    district_admin, district_staff
):
    device = TOTPDevice.objects.create(user=district_staff, name="phone", confirmed=True)
    browser = Client()
    browser.force_login(district_staff)
    admin = _verified_admin_client(district_admin)
    response = admin.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(district_staff.pk), reason="删除二次验证设备").count() == 1
    assert browser.get("/manage/").status_code == 302


# --- item 6: the admin and the second factor ---------------------------------------------------------


def test_only_district_admins_with_a_verified_second_factor_use_the_admin(district_admin, district_staff):
    unverified = Client()
    unverified.force_login(district_admin)
    assert unverified.get("/admin/").status_code == 403
    assert _verified_admin_client(district_admin).get("/admin/").status_code == 200
    district_staff.is_staff = True
    district_staff.save()
    assert _verified_admin_client(district_staff).get("/admin/").status_code == 403


def test_createsuperuser_accounts_must_set_up_totp_too(db):
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "r@example.org")
    root = User.objects.get(username="root")
    root.set_password(PASSWORD)
    root.save()
    client = Client()
    response = client.post("/accounts/login/", {"username": "root", "password": PASSWORD})
    assert response["Location"] == "/accounts/otp/"
    assert client.get("/admin/")["Location"] == "/accounts/otp/"


def test_a_district_admin_from_create_portal_user_can_do_the_admin_tasks(db):
    call_command("create_portal_user", "chief", role="district_admin", password=PASSWORD)
    chief = User.objects.get(username="chief")
    client = _verified_admin_client(chief)
    for url in (
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/otp_totp/totpdevice/",
        "/admin/axes/accessattempt/",
        "/admin/django_celery_beat/periodictask/",
        "/admin/accounts/auditevent/",
    ):
        assert client.get(url).status_code == 200, url
    # Demoted, the account leaves the administrators' group.
    call_command("create_portal_user", "chief", role="district_staff", password=PASSWORD)
    assert not User.objects.get(username="chief").groups.exists()


def test_rebinding_the_authenticator_needs_the_password_and_a_current_code(district_staff):
    old = TOTPDevice.objects.create(user=district_staff, name="old", confirmed=True)
    client = Client()
    client.force_login(district_staff)
    verify_second_factor(client, district_staff)
    client.get("/accounts/otp/")
    new = TOTPDevice.objects.get(user=district_staff, confirmed=False)
    without = client.post("/accounts/otp/", {"token": _code(new)})
    assert without.status_code == 400
    TOTPDevice.objects.update(last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None)
    wrong_password = client.post(
        "/accounts/otp/", {"token": _code(new), "password": "wrong", "current_token": _code(old)}
    )
    assert wrong_password.status_code == 400
    assert TOTPDevice.objects.get(pk=old.pk).confirmed
    # django-otp refuses a code twice and slows down after failures; a person would wait 30 s.
    TOTPDevice.objects.update(last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None)
    ok = client.post(
        "/accounts/otp/", {"token": _code(new), "password": PASSWORD, "current_token": _code(old)}
    )
    assert ok.status_code == 302
    assert list(TOTPDevice.objects.filter(user=district_staff).values_list("pk", flat=True)) == [new.pk]
    # This session stays signed in.
    assert client.get("/manage/").status_code == 200


def test_first_setup_still_needs_only_the_new_code(district_staff):
    client = Client()
    client.force_login(district_staff)
    client.get("/accounts/otp/")
    new = TOTPDevice.objects.get(user=district_staff, confirmed=False)
    assert client.post("/accounts/otp/", {"token": _code(new)}).status_code == 302
