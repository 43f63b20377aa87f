"""The long-term-care insurance export: grade ≥ 3 on the latest signed assessment, full ID numbers,
district roles only, re-authenticated and audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from conftest import _client_for, run_export
from hechuan_portal.accounts.models import AuditAction, AuditEvent, Role

from .. import services
from .factories import TOWN_B, answers_totalling, elder, make_assessor

pytestmark = pytest.mark.django_db
URL = "/manage/eldercare/ltc-export/"


@pytest.fixture
def assessed():
    first = make_assessor("pg_ltc_1", role=Role.DISTRICT_STAFF)
    second = make_assessor("pg_ltc_2", role=Role.DISTRICT_STAFF)

    def grade(resident, total, on=dt.date(2026, 9, 1)):
        a = services.assessment_record(
            actor=first, resident=resident, assessed_on=on, place="home", items=answers_totalling(total)
        )
        return services.assessment_sign(actor=second, assessment=a)

    return grade


def rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def download(celery_eager, django_capture_on_commit_callbacks):
    """The export as the page runs it: a background job (run eagerly), then its file."""

    def get(client):
        job = run_export(client, URL, django_capture_on_commit_callbacks)
        return client.get(f"{job}file/")

    return get


def test_the_export_lists_grade_3_and_above_with_full_id_numbers(district_staff, assessed, download):
    severe, severe_id = elder(dt.date(1931, 2, 3), name="李桂芳")
    total, total_id = elder(dt.date(1929, 7, 8), town=TOWN_B, name="张德明")
    moderate, _ = elder()
    improved, _ = elder()
    assessed(severe, 40)  # 3
    assessed(total, 10)  # 4
    assessed(moderate, 50)  # 2
    assessed(improved, 20, on=dt.date(2025, 1, 1))
    assessed(improved, 80)  # latest is 1: not exported
    response = download(_client_for(district_staff))
    assert response.status_code == 200
    table = rows(response)
    assert table[0] == ["身份证号", "姓名", "性别", "出生日期", "镇街", "评估日期", "能力等级", "等级名称"]
    assert table[1:] == [
        [
            severe_id,
            "李桂芳",
            "男",
            "1931-02-03",
            "合阳城街道",
            "2026-09-01",
            "3",
            "能力重度受损（重度失能）",
        ],
        [total_id, "张德明", "男", "1929-07-08", "钓鱼城街道", "2026-09-01", "4", "能力完全丧失（完全失能）"],
    ]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="eldercare.ltc_export")
    assert (event.actor, event.changes) == (district_staff, {"rows": 2})


def test_the_export_needs_the_password_again(district_staff):
    response = _client_for(district_staff, reauthenticated=False).get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_only_district_roles_export(officer_a_client, operator_client):
    assert officer_a_client.get(URL).status_code == 403
    assert operator_client.get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_export_leaves_no_file_with_id_numbers(
    district_staff, assessed, tmp_path, settings, monkeypatch, download
):
    """Issue 21 item 4: the file of full ID numbers is built in memory, never in the temp directory
    or the media store."""
    import tempfile

    severe, severe_id = elder(dt.date(1931, 2, 3))
    assessed(severe, 40)
    temp, media = tmp_path / "tmp", tmp_path / "media"
    temp.mkdir(), media.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    settings.MEDIA_ROOT = str(media)
    response = download(_client_for(district_staff))
    assert response.status_code == 200
    assert [r[0] for r in rows(response)[1:]] == [severe_id]
    assert list(temp.iterdir()) == [] and list(media.iterdir()) == []
