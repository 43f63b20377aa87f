"""Issue 21 item 12: a refused multi-file upload stores nothing (no row, no file on disk), and request
bodies are capped by their declared length before anything reads them (413, the shared error body);
the proxy's own limit is named in docs/DEPLOYMENT.md."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import TOWN_A, TOWN_B, _client_for, make_user
from hechuan_portal.accounts.models import Role
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.uploads import store_files
from monitoring.models import FindingEvidence, FindingStatus

from . import matrix_world
from .error_body import body_problems

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast(db):
    return {
        "district_admin": make_user("u_admin", Role.DISTRICT_ADMIN),
        "officer_a": make_user("u_officer_a", Role.TOWN_OFFICER, TOWN_A),
        "officer_b": make_user("u_officer_b", Role.TOWN_OFFICER, TOWN_B),
        "operator": make_user("u_operator", Role.FACILITY_OPERATOR, TOWN_A),
    }


def _png(tag: bytes) -> bytes:
    return matrix_world.PNG + tag  # a different file each, still a PNG by its first bytes


def _files_on_disk(root) -> set[str]:
    return {str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file()}


def test_a_refused_multi_file_evidence_upload_stores_none(cast, settings):
    world = matrix_world.monitoring(cast)
    finding = world["a"]["finding"]
    before_files = _files_on_disk(settings.MEDIA_ROOT)
    before_rows = FindingEvidence.objects.count()
    client = _client_for(cast["operator"])
    files = [
        SimpleUploadedFile("one.png", _png(b"one"), content_type="image/png"),
        SimpleUploadedFile("two.png", _png(b"two"), content_type="image/png"),
        SimpleUploadedFile("three.png", b"MZ\x90\x00 not an image", content_type="image/png"),
    ]
    response = client.post(
        f"/api/v1/monitoring/findings/{finding.pk}/submit/", {"files": files, "note": "已整改"}
    )
    assert response.status_code == 400 and response.json()["code"] == "file_type"
    assert body_problems(response.json()) == []
    assert FindingEvidence.objects.count() == before_rows
    assert _files_on_disk(settings.MEDIA_ROOT) == before_files
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    # The same files without the bad one are all kept.
    files = [SimpleUploadedFile(n, _png(n.encode()), content_type="image/png") for n in ("one", "two")]
    response = client.post(f"/api/v1/monitoring/findings/{finding.pk}/submit/", {"files": files, "note": "x"})
    assert response.status_code == 200, response.content
    assert len(_files_on_disk(settings.MEDIA_ROOT) - before_files) == 2


def test_files_are_removed_when_the_block_after_them_fails_but_older_ones_stay(settings):
    kept = SimpleUploadedFile("kept.png", _png(b"kept"))
    with store_files([kept], folder="t", max_bytes=MB) as (old,):
        pass
    fresh = SimpleUploadedFile("fresh.png", _png(b"fresh"))
    again = SimpleUploadedFile("again.png", _png(b"kept"))  # same content as the stored one
    with pytest.raises(RuntimeError), store_files([fresh, again], folder="t", max_bytes=MB) as stored:
        assert {s.name for s in stored} <= _files_on_disk(settings.MEDIA_ROOT)
        raise RuntimeError("the insert after the files failed")
    assert _files_on_disk(settings.MEDIA_ROOT) == {old.name}
    # A file refused by size stores none of the others either.
    big = SimpleUploadedFile("big.png", _png(b"x" * 2048))
    with pytest.raises(PortalError), store_files([fresh, big], folder="t", max_bytes=1024):
        pass
    assert _files_on_disk(settings.MEDIA_ROOT) == {old.name}


@pytest.mark.parametrize(
    "path,content_type",
    [
        ("/api/v1/auth/token/", "application/json"),
        ("/accounts/login/", "application/x-www-form-urlencoded"),
        ("/accounts/login/", "multipart/form-data; boundary=xyz"),
    ],
)
def test_an_anonymous_oversized_body_is_refused_before_reading(client, path, content_type):
    response = client.generic("POST", path, b"tiny", content_type=content_type, CONTENT_LENGTH=str(300 * MB))
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large" and body_problems(response.json()) == []


def test_signed_in_uploads_get_the_upload_cap_and_nothing_more(cast, settings):
    settings.REQUEST_BODY_MAX_BYTES = 10_000
    settings.UPLOAD_REQUEST_MAX_BYTES = 50_000
    client = _client_for(cast["officer_a"])
    url = "/api/v1/monitoring/visits/"
    multipart = "multipart/form-data; boundary=xyz"
    small = client.generic("POST", url, b"x", content_type=multipart, CONTENT_LENGTH="20000")
    assert small.status_code != 413  # within the upload cap: the view decides
    assert (
        client.generic("POST", url, b"x", content_type=multipart, CONTENT_LENGTH="60000").status_code == 413
    )
    json_body = client.generic("POST", url, b"{}", content_type="application/json", CONTENT_LENGTH="20000")
    assert json_body.status_code == 413  # not an upload: the small cap
    # Anonymous multipart gets the small cap too.
    anonymous = _client_for(None)
    assert (
        anonymous.generic("POST", url, b"x", content_type=multipart, CONTENT_LENGTH="20000").status_code
        == 413
    )


def test_a_real_server_answers_413_without_waiting_for_the_body(live_server):
    """Only the headers are sent: the server must answer from the declared length alone."""
    host, port = live_server.thread.host, live_server.thread.port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {300 * MB}\r\n\r\n".encode()
        )
        answer = b""
        while b"request_too_large" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    text = answer.decode("latin-1")
    assert text.startswith("HTTP/1.1 413"), text[:200]
    assert "request_too_large" in text


def test_the_deployment_docs_name_a_proxy_body_limit_that_fits_the_apps_cap():
    text = (ROOT / "docs" / "DEPLOYMENT.md").read_text(encoding="utf-8")
    sizes = re.findall(r"client_max_body_size\s+(\d+)m;", text)
    assert sizes, "docs/DEPLOYMENT.md must show nginx's client_max_body_size"
    assert all(int(s) * MB >= django_settings.UPLOAD_REQUEST_MAX_BYTES for s in sizes)
    assert "UPLOAD_REQUEST_MAX_BYTES" in text and "REQUEST_BODY_MAX_BYTES" in text
