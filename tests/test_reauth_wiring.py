"""Revealing a full ID number and the bank export ask for the password again first."""

import datetime as dt

import pytest

from conftest import PASSWORD, _client_for, run_export
from hechuan_portal.accounts.models import AuditAction, AuditEvent
from monitoring.tests.factories import ResidentFactory
from subsidies.models import PayrollPeriod

pytestmark = pytest.mark.django_db


def test_reveal_without_recent_password_goes_to_reauth_and_reveals_nothing(officer_a):
    person = ResidentFactory()
    client = _client_for(officer_a, reauthenticated=False)
    response = client.post(f"/manage/residents/{person.pk}/reveal/", {"reason": "入户核对津贴账户"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauth/?next=")
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()
    # After the password, the same request reveals (and is audited with its reason).
    assert client.post("/accounts/reauth/", {"password": PASSWORD, "next": "/manage/"}).status_code == 302
    response = client.post(f"/manage/residents/{person.pk}/reveal/", {"reason": "入户核对津贴账户"})
    assert response.status_code == 200
    assert AuditEvent.objects.get(action=AuditAction.REVEAL).reason == "入户核对津贴账户"


def test_payroll_export_needs_recent_password(
    district_staff, celery_eager, django_capture_on_commit_callbacks
):
    PayrollPeriod.objects.create(month=dt.date(2026, 11, 1))
    client = _client_for(district_staff, reauthenticated=False)
    response = client.get("/manage/subsidies/payroll/2026-11/export/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    # after the password the export starts: the form leads to the job's page, not a download page
    response = client.post(
        "/accounts/reauth/", {"password": PASSWORD, "next": "/manage/subsidies/payroll/2026-11/export/"}
    )
    assert response.status_code == 302 and response["Location"] == "/manage/subsidies/payroll/2026-11/export/"
    job = run_export(client, "/manage/subsidies/payroll/2026-11/export/", django_capture_on_commit_callbacks)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
    # the file itself asks for the password again once the ten minutes are over
    stale = _client_for(district_staff, reauthenticated=False)
    response = stale.get(f"{job}file/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/")
    # …and the form then shows the page that starts the download
    response = stale.post("/accounts/reauth/", {"password": PASSWORD, "next": f"{job}file/"})
    assert response.status_code == 200 and "身份已确认，文件开始下载" in response.content.decode()
