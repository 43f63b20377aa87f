"""The advisory lock with two real concurrent runs, and a real Celery worker killed mid-run.

Both need committed data visible to other processes, so they are transactional tests; the
subprocesses are pointed at the test database through DATABASE_URL. A run is held midway from the
test side: another connection holds a SHARE lock on the payroll-period table, so the run, having
written its grants inside its transaction, waits at the roll step (production code has no hook).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from subsidies.matching import RunInProgress, run_match
from subsidies.models import AllowanceGrant, MatchRun, PaymentLine, PayrollPeriod

from .conftest import D, paid, person, state

ROOT = Path(__file__).resolve().parents[2]
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _env(**extra) -> dict:
    db = connection.settings_dict
    url = f"postgis://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def _wait(predicate, timeout=60.0, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _hold_the_roll_step():
    """Another session whose SHARE lock on the roll table stops a run at its roll step (the run's
    INSERT needs ROW EXCLUSIVE); reads stay free. Close it to let the run go on."""
    import psycopg

    db = connection.settings_dict
    other = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
        password=db["PASSWORD"] or None,
    )  # fmt: skip
    other.execute(f"LOCK TABLE {PayrollPeriod._meta.db_table} IN SHARE MODE")
    return other


def _paused_in_transaction() -> bool:
    """A running match is inside its transaction, holding uncommitted writes, waiting for a lock."""
    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
            " AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )
        return c.fetchone()[0] > 0


def _another_session_in_transaction() -> bool:
    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND xact_start IS NOT NULL"
            " AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )
        return c.fetchone()[0] > 0


@transactional
def test_second_concurrent_run_exits_at_once(reference_data):
    for i in range(3):
        person(D(1930 + i, 1, 1))
    hold = _hold_the_roll_step()
    first = subprocess.Popen(
        [sys.executable, "manage.py", "match_allowances", "--as-of", "2027-01-01"],
        cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait(_paused_in_transaction, what="the first run to be inside its transaction")
        second = subprocess.run(
            [sys.executable, "manage.py", "match_allowances", "--as-of", "2027-01-01"],
            cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert second.returncode == 1
        assert "另一次匹配正在运行" in second.stderr
        with pytest.raises(RunInProgress):
            run_match(as_of=D(2027, 1, 1), trigger="test")
        # The second run ended while the first is still held midway: it did not wait for it (a
        # wall-clock bound here only measured how fast a loaded machine starts manage.py).
        assert first.poll() is None
        hold.close()
        assert first.wait(timeout=60) == 0, first.stderr.read()
    finally:
        hold.close()
        if first.poll() is None:
            first.kill()
    assert list(MatchRun.objects.order_by("id").values_list("status", flat=True)) == [
        "succeeded",
        "skipped",
        "skipped",
    ]
    assert AllowanceGrant.objects.count() == 3


@transactional
def test_worker_killed_mid_run_then_rerun_gives_the_same_end_state(reference_data):
    from subsidies.tasks import match_allowances_task

    people = [person(D(1925 + i * 3, 1 + i, 10)) for i in range(6)]
    queue = f"test-allowance-{uuid.uuid4().hex[:8]}"
    hold = _hold_the_roll_step()
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "hechuan_portal", "worker", "-P", "solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT, env=_env(), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        match_allowances_task.apply_async(kwargs={"as_of": "2027-01-01", "trigger": "test"}, queue=queue)
        _wait(lambda: MatchRun.objects.filter(status="running").exists(), what="the worker to start the run")
        _wait(_paused_in_transaction, what="the run to be midway")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        # Released: the dead worker's session finds its client gone and rolls back.
        hold.close()
    # Nothing of the killed run is left but its row, still "running".
    _wait(lambda: not _another_session_in_transaction(), what="PostgreSQL to end the dead session")
    assert AllowanceGrant.objects.count() == 0 and PaymentLine.objects.count() == 0
    assert list(MatchRun.objects.values_list("status", flat=True)) == ["running"]

    outcome = run_match(as_of=D(2027, 1, 1), trigger="rerun")
    assert outcome.run.status == "succeeded"
    assert list(MatchRun.objects.order_by("id").values_list("status", flat=True)) == [
        "interrupted",
        "succeeded",
    ]
    after_rerun = state()
    # The same end state as an uninterrupted run: each person paid January per STANDARDS §6.
    amounts = {80: "50.00", 90: "100.00", 100: "300.00"}
    for p in people:
        age = (2027 * 12 + 1 - (p.birth_date.year * 12 + p.birth_date.month) - 1) // 12
        band = 100 if age >= 100 else 90 if age >= 90 else 80
        assert paid(p) == [("2027-01", amounts[band], "normal")]
    run_match(as_of=D(2027, 1, 1), trigger="again", force_full=True)
    assert state() == after_rerun
