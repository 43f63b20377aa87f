"""Audit: the auditor's search page (and only the auditor's), append-only in the database."""

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from hechuan_portal.accounts.models import AuditAction, AuditEvent
from hechuan_portal.accounts.testing import verify_second_factor

pytestmark = pytest.mark.django_db


def _events(n, **kw):
    base = {"actor_username": "officer_a", "action": AuditAction.VIEW, "object_type": "residents.resident"}
    AuditEvent.objects.bulk_create([AuditEvent(**{**base, "object_id": str(i), **kw}) for i in range(n)])


def test_only_the_auditor_reads_the_audit_log(
    anon_client,
    admin_client_,
    staff_client,
    officer_a_client,
    officer_b_client,
    operator_client,
    auditor_client,
):
    assert anon_client.get("/manage/audit/").status_code == 302
    for client in (admin_client_, staff_client, officer_a_client, officer_b_client, operator_client):
        assert client.get("/manage/audit/").status_code == 403
    assert auditor_client.get("/manage/audit/").status_code == 200


def test_auditor_filters_by_who_what_object_and_dates(auditor_client):
    _events(3)
    _events(2, actor_username="staff_a", action=AuditAction.EXPORT, object_type="subsidies.payroll")
    AuditEvent.objects.create(
        actor_username="officer_b",
        action=AuditAction.REVEAL,
        object_type="residents.resident",
        object_id="77",
    )

    def rows(query):
        page = auditor_client.get("/manage/audit/", query).context["page"]
        return sorted((e.actor_username, e.action, e.object_id) for e in page.object_list)

    assert rows({"actor": "staff_a"}) == [("staff_a", "export", "0"), ("staff_a", "export", "1")]
    assert rows({"action": "reveal"}) == [("officer_b", "reveal", "77")]
    assert rows({"object_type": "residents.resident", "object_id": "77"}) == [("officer_b", "reveal", "77")]
    today = timezone.localdate()
    # 6 events, the auditor's login, and the auditor's three searches above (reading is audited too)
    assert len(rows({"since": today.isoformat(), "until": today.isoformat()})) == 10
    assert rows({"until": (today - dt.timedelta(days=1)).isoformat()}) == []


def test_audit_page_is_paginated_at_fifty(auditor_client):
    _events(120)
    first = auditor_client.get("/manage/audit/").context["page"]
    third = auditor_client.get("/manage/audit/?page=3").context["page"]
    # 121: the 120 rows and the auditor's own login (force_login sends the login signal too); the
    # first search adds its own audit row, so the third page then holds 22.
    assert (first.paginator.count, len(first.object_list), len(third.object_list)) == (121, 50, 22)


def test_reading_the_audit_log_is_audited(auditor_client):
    auditor_client.get("/manage/audit/", {"actor": "staff_a", "action": "export"})
    event = AuditEvent.objects.filter(object_type="accounts.auditevent").get()
    assert (event.actor_username, event.action, event.changes) == (
        "auditor_a",
        AuditAction.VIEW,
        {"actor": "staff_a", "action": "export"},
    )


@pytest.mark.parametrize("rows", [1, 200])
def test_audit_page_query_count_does_not_grow(auditor_client, django_assert_num_queries, rows):
    _events(rows)
    auditor_client.get("/manage/audit/")  # warm the session
    # user, count, one page of rows and the audit row for this search (the session is in Redis)
    with django_assert_num_queries(4):
        response = auditor_client.get("/manage/audit/?action=view")
    assert response.status_code == 200


def test_database_refuses_update_and_delete_even_in_raw_sql(district_admin):
    # TRUNCATE is not refused by the trigger (Django's test teardown truncates every table); in
    # deployment the application role holds no TRUNCATE/UPDATE/DELETE grant (scripts/db_roles.sql).
    event = AuditEvent.objects.create(actor_username="admin_a", action=AuditAction.EXPORT, reason="月度名册")
    for sql in (
        "UPDATE accounts_auditevent SET reason = 'x'",
        "DELETE FROM accounts_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).reason == "月度名册"


def test_admin_offers_no_way_to_change_audit_rows(district_admin, rf):
    district_admin.is_superuser = district_admin.is_staff = True
    district_admin.save()
    event = AuditEvent.objects.create(actor_username="admin_a", action=AuditAction.VIEW)
    client = Client()
    client.force_login(district_admin)
    verify_second_factor(client, district_admin)
    assert client.get(f"/admin/accounts/auditevent/{event.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403
    admin = site._registry[AuditEvent]
    request = rf.get("/")
    request.user = district_admin
    assert not admin.has_change_permission(request, event) and not admin.has_delete_permission(request, event)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_retention_setting_is_at_least_180_days(settings):
    assert settings.AUDIT_RETENTION_DAYS >= 180
