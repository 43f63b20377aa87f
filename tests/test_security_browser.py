"""In Chromium: the CSP blocks nothing the pages need (Leaflet map, login, staff pages, Swagger UI),
and the security pages (login, lockout, TOTP set-up, re-authentication, audit search) look right at
phone and desktop sizes. Screenshots go to $SCREENSHOT_DIR (default: the test's tmp_path)."""

import os
from pathlib import Path

import pytest

from conftest import login_in_browser, make_user
from hechuan_portal.accounts.models import AuditAction, AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _shots(tmp_path) -> Path:
    directory = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    return violations


def test_pages_run_under_the_csp(live_server, page, tmp_path):
    shots = _shots(tmp_path)
    violations = _watch_csp(page)
    page.goto(live_server.url + "/")
    page.wait_for_selector("#finder-map.leaflet-container")
    page.wait_for_selector(".leaflet-control-zoom")  # Leaflet's own script ran
    page.goto(live_server.url + "/api/v1/schema/swagger/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    page.screenshot(path=str(shots / "swagger-desktop.png"))
    make_user("csp_officer", "town_officer", "500117001000")
    login_in_browser(page, live_server, "csp_officer")
    page.goto(live_server.url + "/manage/")
    assert violations == []


def test_security_pages_at_phone_and_desktop(live_server, page, phone_page, tmp_path):
    shots = _shots(tmp_path)
    make_user("shot_auditor", "auditor")
    make_user("shot_admin", "district_admin")
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor_username="officer_a",
                action=AuditAction.REVEAL,
                object_type="residents.resident",
                object_id=str(i),
                area_code="500117001000",
                reason="核对高龄津贴资格",
                ip="10.0.0.8",
            )
            for i in range(60)
        ]
    )
    for name, pg in (("desktop", page), ("phone", phone_page)):
        violations = _watch_csp(pg)
        pg.goto(live_server.url + "/accounts/login/")
        pg.screenshot(path=str(shots / f"login-{name}.png"), full_page=True)
        for _ in range(5):
            pg.fill("#id_username", "nobody_" + name)
            pg.fill("#id_password", "wrong")
            pg.click("button[type=submit]")
        assert "登录失败次数过多" in pg.text_content("#lockout")
        pg.screenshot(path=str(shots / f"lockout-{name}.png"), full_page=True)
        pg.context.clear_cookies()
        login_in_browser(pg, live_server, "shot_auditor")
        pg.goto(live_server.url + "/manage/audit/?action=reveal")
        assert "共 60 条记录" in pg.text_content("main")
        pg.screenshot(path=str(shots / f"audit-{name}.png"))
        pg.locator(".audit-table").scroll_into_view_if_needed()
        pg.screenshot(path=str(shots / f"audit-table-{name}.png"))
        pg.goto(live_server.url + "/accounts/reauth/?next=/manage/")
        pg.screenshot(path=str(shots / f"reauth-{name}.png"), full_page=True)
        pg.context.clear_cookies()
        pg.goto(live_server.url + "/accounts/login/")
        pg.fill("#id_username", "shot_admin")
        pg.fill("#id_password", "Hc-test-Passw0rd!")
        pg.click("button[type=submit]")
        pg.wait_for_url("**/accounts/otp/")
        assert pg.locator(".otp-qr svg").count() == 1
        pg.screenshot(path=str(shots / f"otp-{name}.png"), full_page=True)
        pg.context.clear_cookies()
        assert violations == []
