"""Issue 21 items owned by accounts (13: no password in the audit log; 5: TRUNCATE refused; …)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from conftest import PASSWORD
from hechuan_portal.accounts.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _fields(event: AuditEvent) -> str:
    return " ".join([event.object_id, event.reason, event.actor_username, str(event.changes)])


def test_a_password_typed_into_the_username_field_is_not_audited(officer_a):
    Client().post("/accounts/login/", {"username": "Hc-my-real-Passw0rd", "password": "officer_a"})
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert "Hc-my-real-Passw0rd" not in _fields(event)
    assert event.object_id.startswith("unknown:") and len(event.object_id) == len("unknown:") + 16
    # The same mistake twice is recognisable as the same attempt.
    Client().post("/accounts/login/", {"username": "Hc-my-real-Passw0rd", "password": "x"})
    ids = set(AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).values_list("object_id", flat=True))
    assert ids == {event.object_id}


def test_a_failed_login_for_an_existing_account_names_it(officer_a):
    Client().post("/accounts/login/", {"username": "officer_a", "password": PASSWORD + "x"})
    assert AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED).object_id == "officer_a"


def _scratch_database_url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def test_the_audit_log_cannot_be_truncated_even_by_its_owner():
    """The migrations' own SQL on an audit table in a database not named like a test database (where
    the test runner's TRUNCATE is let through): UPDATE, DELETE and TRUNCATE all refused."""
    import importlib
    import os

    import psycopg

    append_only = importlib.import_module("hechuan_portal.accounts.migrations.0002_audit_append_only")
    no_truncate = importlib.import_module("hechuan_portal.accounts.migrations.0003_audit_refuse_truncate")
    name = f"hechuan_audit_check_{os.getpid()}"
    with psycopg.connect(_scratch_database_url("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        with psycopg.connect(_scratch_database_url(name), autocommit=True) as conn:
            conn.execute("CREATE TABLE accounts_auditevent (id serial PRIMARY KEY, reason text)")
            conn.execute(append_only.SQL)
            conn.execute(no_truncate.SQL)
            conn.execute("INSERT INTO accounts_auditevent (reason) VALUES ('kept')")
            for sql in (
                "UPDATE accounts_auditevent SET reason = 'changed'",
                "DELETE FROM accounts_auditevent",
                "TRUNCATE accounts_auditevent",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                    conn.execute(sql)
            assert conn.execute("SELECT reason FROM accounts_auditevent").fetchall() == [("kept",)]
    finally:
        with psycopg.connect(_scratch_database_url("postgres"), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")


def test_the_truncate_trigger_is_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'accounts_auditevent_no_truncate'"
            " AND tgrelid = %s::regclass",
            [AuditEvent._meta.db_table],
        )
        assert cursor.fetchone() == (1,)
