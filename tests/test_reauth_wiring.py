"""Revealing a full ID number and the bank export ask for the password again first."""

import datetime as dt

import pytest

from conftest import PASSWORD, _client_for
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


def test_payroll_export_needs_recent_password(district_staff):
    PayrollPeriod.objects.create(month=dt.date(2026, 11, 1))
    client = _client_for(district_staff, reauthenticated=False)
    response = client.get("/manage/subsidies/payroll/2026-11/export/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    response = _client_for(district_staff).get("/manage/subsidies/payroll/2026-11/export/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
