"""Issue 21 items 1 and 2, with a real gunicorn behind a "proxy" at 127.0.0.1.

The test plays the reverse proxy: it connects from 127.0.0.1 (the trusted address) and says who the
client is in `X-Forwarded-For`, as nginx does; an untrusted peer is played by connecting from
127.0.0.2 (every 127/8 address is this machine).
"""

from __future__ import annotations

import http.client
import os
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from django.db import connection

from conftest import PASSWORD, make_user
from hechuan_portal.accounts.models import AuditAction, AuditEvent, Role
from tests.processes import ROOT, VENV_BIN, free_port, stop_process, wait_for_port

HOST = "portal.example.gov.cn"


class _FromAddress(http.client.HTTPConnection):
    """An HTTP connection from a chosen local address (127.0.0.1 = the proxy, 127.0.0.2 = anyone else)."""

    def __init__(self, port: int, source: str):
        super().__init__("127.0.0.1", port, timeout=15, source_address=(source, 0))


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgis://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_gunicorn(tmp_path: Path, **env_overrides: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hechuan_portal.settings",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "0",
        "DEBUG": "False",
        **env_overrides,
    }
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "hechuan_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            # gunicorn trusts no proxy here (its default is 127.0.0.1, which would set the HTTPS
            # scheme itself): what is tested is the portal's own TRUSTED_PROXIES handling.
            "--forwarded-allow-ips",
            "192.0.2.1",
            "--error-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, timeout=30)
    return process, port


def _request(port: int, method: str, path: str, *, source: str = "127.0.0.1", body: str | None = None,
             headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    deadline = time.monotonic() + 60
    while True:  # gunicorn binds before its worker has loaded Django
        conn = _FromAddress(port, source)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            response.read()
            return response
        except (TimeoutError, ConnectionError, http.client.RemoteDisconnected):
            assert time.monotonic() < deadline, "gunicorn never answered"
            time.sleep(0.2)
        finally:
            conn.close()


def _token_attempt(port: int, client: str, password: str) -> int:
    body = f'{{"username": "proxied", "password": "{password}"}}'
    headers = {"Host": HOST, "Content-Type": "application/json", "X-Forwarded-For": client,
               "X-Forwarded-Proto": "https"}
    return _request(port, "POST", "/api/v1/auth/token/", body=body, headers=headers).status


@pytest.mark.django_db(transaction=True)
def test_five_bad_passwords_from_one_client_do_not_lock_another_behind_the_proxy(tmp_path):
    make_user("proxied", Role.DISTRICT_STAFF)
    server, port = _start_gunicorn(tmp_path, TRUSTED_PROXIES="127.0.0.1", ALLOWED_HOSTS=HOST)
    try:
        statuses = [_token_attempt(port, "203.0.113.7", "wrong-password") for _ in range(5)]
        assert statuses == [400, 400, 400, 400, 429]  # the fifth failure locks
        # Client A is now locked out for this account …
        assert _token_attempt(port, "203.0.113.7", PASSWORD) == 429
        # … but the same account from client B, through the same proxy, is not.
        assert _token_attempt(port, "198.51.100.20", PASSWORD) == 200
    finally:
        stop_process(server)
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert set(failed.values_list("ip", flat=True)) == {"203.0.113.7"}


@pytest.mark.django_db(transaction=True)
def test_an_untrusted_peer_cannot_choose_its_address_or_claim_tls(tmp_path):
    make_user("proxied", Role.DISTRICT_STAFF)
    server, port = _start_gunicorn(
        tmp_path, TRUSTED_PROXIES="127.0.0.1", ALLOWED_HOSTS=HOST, SECURE_SSL_REDIRECT="True"
    )
    try:
        headers = {"Host": HOST, "Content-Type": "application/json", "X-Forwarded-For": "203.0.113.99",
                   "X-Forwarded-Proto": "https"}
        body = '{"username": "proxied", "password": "wrong-password"}'
        # From 127.0.0.2 the forwarded headers are dropped: plain HTTP, so the redirect to HTTPS …
        response = _request(port, "POST", "/api/v1/auth/token/", source="127.0.0.2", body=body, headers=headers)
        assert response.status == 301
        assert response.getheader("Location") == f"https://{HOST}/api/v1/auth/token/"
    finally:
        stop_process(server)
    assert not AuditEvent.objects.filter(ip="203.0.113.99").exists()


@pytest.mark.django_db(transaction=True)
def test_production_settings_behind_a_tls_proxy_do_not_redirect_forever(tmp_path):
    server, port = _start_gunicorn(
        tmp_path,
        TRUSTED_PROXIES="127.0.0.1",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="True",
        SECURE_HSTS_SECONDS="31536000",
    )
    try:
        proxied = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        response = _request(port, "GET", "/api/v1/auth/me/", headers=proxied)
        # Answered (401: not signed in), not redirected; HSTS is sent only on a request seen as HTTPS.
        assert response.status == 401
        assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
        # Plain HTTP through the proxy is sent to HTTPS once.
        plain = _request(port, "GET", "/api/v1/auth/me/", headers={"Host": HOST, "X-Forwarded-Proto": "http"})
        assert (plain.status, plain.getheader("Location")) == (301, f"https://{HOST}/api/v1/auth/me/")
    finally:
        stop_process(server)


@pytest.mark.django_db(transaction=True)
def test_the_compose_web_healthcheck_passes_with_the_real_host_and_https_redirect(tmp_path):
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    server, port = _start_gunicorn(
        tmp_path, TRUSTED_PROXIES="127.0.0.1", ALLOWED_HOSTS=f"{HOST},www.{HOST}", SECURE_SSL_REDIRECT="True"
    )
    try:
        command = [str(VENV_BIN / "python") if part == "python" else part for part in test[1:]]
        command = [part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in command]
        env = {**os.environ, "ALLOWED_HOSTS": f"{HOST},www.{HOST}"}
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
    finally:
        stop_process(server)
