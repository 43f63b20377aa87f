"""`make backup` / `make restore`: a pg_dump of the database restored into another database equals it.

Uses the test database as the source and a scratch database beside it on the same server (created
and dropped here; the shared server itself is never stopped).
"""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from hechuan_portal.accounts.models import AuditAction, AuditEvent
from hechuan_portal.common.crypto import blind_index, encrypt
from hechuan_portal.common.idcard import check_char, mask

ROOT = Path(settings.BASE_DIR)


def _url(dbname: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{dbname}"


def _fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Row count and an md5 over every row of every table in the public schema."""
    with psycopg.connect(url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {
            t: conn.execute(
                f"SELECT count(*), coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM \"{t}\" x"
            ).fetchone()
            for t in tables
        }


def _script(action: str, file: Path, dbname: str):
    env = {**os.environ, "DATABASE_URL": _url(dbname).replace("postgresql://", "postgis://", 1)}
    return subprocess.run(
        ["scripts/backup.sh", action, str(file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_targets_call_the_script():
    dry = subprocess.run(
        ["make", "-n", "backup", "restore", "FILE=x.dump"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert "./scripts/backup.sh backup x.dump" in dry and "./scripts/backup.sh restore x.dump" in dry


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_into_another_database_identically(tmp_path, officer_a):
    from hechuan_portal.residents.models import Resident

    # An encrypted resident row and an audit row must come back byte for byte.
    first17 = "50011719400101001"
    number = first17 + check_char(first17)
    Resident.objects.create(
        id_cipher=encrypt(number),
        id_index=blind_index(number),
        id_masked=mask(number),
        name="测试老人",
        gender="M",
        birth_date="1940-01-01",
        hukou_code="500117001000",
        town_id="500117001000",
        extract_date="2026-11-01",
    )
    AuditEvent.objects.create(actor_username="officer_a", action=AuditAction.EXPORT, reason="备份测试")
    source = connection.settings_dict["NAME"]
    scratch = f"{source}_restore"
    admin_url = _url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        dump = tmp_path / "portal.dump"
        backed = _script("backup", dump, source)
        assert backed.returncode == 0, backed.stderr
        assert dump.stat().st_size > 10_000
        restored = _script("restore", dump, scratch)
        assert restored.returncode == 0, restored.stderr
        original, copy = _fingerprint(_url(source)), _fingerprint(_url(scratch))
        assert copy == original
        assert original["accounts_auditevent"][0] >= 1 and original["areas_adminarea"][0] >= 31
        # The append-only trigger came back with the data.
        with psycopg.connect(_url(scratch)) as conn, pytest.raises(psycopg.Error, match="append-only"):
            conn.execute("DELETE FROM accounts_auditevent")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def test_restore_without_a_file_fails_and_says_how():
    result = subprocess.run(["scripts/backup.sh", "restore"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "make restore FILE=" in result.stderr
