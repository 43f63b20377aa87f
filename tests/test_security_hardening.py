"""Hardening: cache control, CSP and friends, check --deploy, SECRET_KEY, upload limits, 500 pages."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_staff_pages_and_authenticated_api_are_never_stored(officer_a_client, anon_client):
    assert _no_store(officer_a_client.get("/manage/"))
    assert _no_store(officer_a_client.get("/api/v1/auth/me/"))
    assert _no_store(anon_client.get("/accounts/login/"))
    assert _no_store(anon_client.get("/manage/"))  # even the redirect


def test_token_authenticated_api_is_never_stored(officer_a):
    from rest_framework.test import APIClient

    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "officer_a", "password": PASSWORD}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert _no_store(client.get("/api/v1/areas/"))


def test_public_pages_may_be_cached(anon_client):
    assert not _no_store(anon_client.get("/"))
    assert not _no_store(anon_client.get("/api/v1/areas/"))


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def test_csp_allows_only_self_and_the_tile_hosts(anon_client):
    response = anon_client.get("/")
    csp = _csp(response)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert csp["img-src"] == ["'self'", "data:", "blob:", "https://tile.openstreetmap.org"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"] and csp["form-action"] == ["'self'"]
    # Every inline script on the page carries this response's nonce.
    body = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", body)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline if "application/json" not in attrs)


def test_frame_referrer_and_sniffing_headers(anon_client):
    response = anon_client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def _our_template_files():
    skip = {".venv", "node_modules", "staticfiles", ".git"}
    for path in ROOT.rglob("*.html"):
        if not skip.intersection(path.relative_to(ROOT).parts) and "templates" in path.parts:
            yield path


def test_every_inline_script_in_our_templates_carries_the_csp_nonce():
    """A new template with `<script>` and no nonce would be blocked by the CSP: fail here first."""
    offenders = []
    for path in _our_template_files():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            tag = match.group(0)
            if "nonce=" not in tag and "application/json" not in tag:
                offenders.append(f'{path.relative_to(ROOT)}: {tag}  → add nonce="{{{{ CSP_NONCE }}}}"')
        for match in re.finditer(r"{%\s*leaflet_map[^%]*%}", text):
            if "csp_nonce=" not in match.group(0):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}  → add csp_nonce=CSP_NONCE")
        for match in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline event handler {match.group(0).strip()}")
    assert offenders == []


def _manage(args, env_overrides, *, drop=()):
    env = {**os.environ, **env_overrides}
    for key in drop:
        env.pop(key, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DEBUG": "False",
    "SECURE_COOKIES": "True",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_SSL_REDIRECT": "True",
    "ALLOWED_HOSTS": "ylyy.hechuan.gov.cn",
    "SECRET_KEY": "k" * 10 + "Zq8-3vX_p0#Lr7$wN2@yT6!mB9^cF4&hJ1*uE5(sD0)gA3",
}


def test_check_deploy_passes_with_production_settings():
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_complains_about_development_settings():
    result = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"], {"DEBUG": "True", "SECURE_COOKIES": "False"}
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on


def test_secret_key_is_required_with_no_default():
    code = (
        "import environ; environ.Env.read_env = classmethod(lambda *a, **k: None)\n"
        "import django; django.setup()"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hechuan_portal.settings"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_upload_limits_are_set_and_enforced(anon_client):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.MAX_UPLOAD_SIZE == 50 * 1024 * 1024
    # Above DATA_UPLOAD_MAX_MEMORY_SIZE, within the whole-body cap: Django refuses it as it reads.
    response = anon_client.post("/accounts/login/", {"username": "x" * (5 * 1024 * 1024 + 512), "password": "y"})
    assert response.status_code == 400
    # Above the whole-body cap (REQUEST_BODY_MAX_BYTES): refused unread (issue 21 item 12).
    response = anon_client.post("/accounts/login/", {"username": "x" * (6 * 1024 * 1024), "password": "y"})
    assert response.status_code == 413


@pytest.mark.urls("tests.security_urls")
def test_500_is_a_chinese_page_without_a_stack_trace(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/t/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "服务器" in body or "出错" in body
    assert "Traceback" not in body and "secret detail 42" not in body and "RuntimeError" not in body


@pytest.mark.urls("tests.security_urls")
def test_500_on_the_api_is_json_without_a_stack_trace(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    for path in ("/api/t/boom/", "/api/v1/no-such/"):
        response = client.get(path)
        assert response["Content-Type"] == "application/json"
        assert "secret detail" not in response.content.decode()
    boom = client.get("/api/t/boom/")
    assert boom.status_code == 500
    assert boom.json() == {"code": "server_error", "detail": "服务器内部错误，请稍后重试或联系管理员。", "field": None}
    missing = client.get("/api/v1/no-such/")
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "detail": "未找到。", "field": None}
