"""Fault tests with real processes (tests/processes.py): a private Redis stopped and restarted under
a real Celery worker, and a private PostgreSQL cluster restarted under load behind gunicorn.

The shared servers on 5432/6379 are never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from celery import Celery
from django.conf import settings
from django.test import Client

from conftest import PASSWORD
from hechuan_portal import health

from .conftest import SUITE_LOG
from .processes import (
    PG_BIN,
    PrivateCluster,
    PrivateRedis,
    free_port,
    start_celery_worker,
    stop_process,
    wait_for_port,
)

ROOT = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent


def _append_to_suite_log(path: Path) -> None:
    if path.exists():
        with SUITE_LOG.open("a", encoding="utf-8") as out:
            out.write(path.read_text(encoding="utf-8", errors="replace"))


@pytest.mark.django_db
def test_redis_stopped_then_back(tmp_path, settings, officer_a):
    redis_server = PrivateRedis(tmp_path)
    worker = None
    # Not the current app: the project's shared tasks must keep resolving to the project app.
    probe = Celery("probe", broker=None, backend=None, set_as_current=False)
    try:
        redis_server.start()
        probe.conf.update(broker_url=redis_server.url, result_backend=redis_server.url)
        settings.REDIS_URL = redis_server.url
        health._redis_client = None

        # Work queued while no worker runs…
        queued = probe.send_task("celery.accumulate", args=("queued-before-outage",))
        assert Client().get("/healthz").status_code == 200

        # …Redis goes away: the health check says so, pages that do not need Redis keep working.
        redis_server.stop()
        health._redis_client = None
        down = Client().get("/healthz")
        assert (down.status_code, down.json()) == (503, {"database": "ok", "redis": "unavailable"})
        assert Client().get("/").status_code == 200
        officer = Client()
        login = officer.post("/accounts/login/", {"username": "officer_a", "password": PASSWORD})
        assert login.status_code == 302
        assert officer.get("/manage/").status_code == 200

        # Redis returns (from its append-only file): the queued work is still there and runs.
        redis_server.start()
        health._redis_client = None
        assert Client().get("/healthz").status_code == 200
        worker = start_celery_worker(redis_server.url, tmp_path / "worker.log")
        assert queued.get(timeout=40) == ["queued-before-outage"]

        # A second outage under the running worker: it reconnects by itself.
        redis_server.stop()
        time.sleep(1)
        redis_server.start()
        after = probe.send_task("celery.accumulate", args=("after-reconnect",))
        assert after.get(timeout=40) == ["after-reconnect"]
        assert worker.poll() is None
    finally:
        stop_process(worker)
        redis_server.stop()
        health._redis_client = None
        _append_to_suite_log(tmp_path / "worker.log")


needs_pg = pytest.mark.skipif(
    not (PG_BIN / "initdb").exists(), reason="PostgreSQL 15 server binaries not installed"
)


def _pg(url: str, **kw):
    return psycopg.connect(url.replace("postgis://", "postgresql://", 1), **kw)


@pytest.fixture(scope="module")
def private_pg():
    """A private cluster with the portal's schema in database `hechuan`, migrated by its owner role
    `hechuan` as in a deployment. The `postgres` OS user cannot enter pytest's private temp directory,
    so the cluster lives in its own directory under /tmp."""
    cluster_dir = Path(tempfile.mkdtemp(prefix="hechuan-pg-"))
    cluster = PrivateCluster(cluster_dir)
    try:
        cluster.init()
        cluster.start()
        with _pg(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE ROLE hechuan LOGIN")
            conn.execute("CREATE DATABASE hechuan OWNER hechuan")
        with _pg(cluster.url("hechuan"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
            conn.execute("GRANT ALL ON SCHEMA public TO hechuan")
        owner_url = cluster.url("hechuan").replace("postgres@", "hechuan@")
        env = {**os.environ, "DATABASE_URL": owner_url, "DJANGO_SETTINGS_MODULE": "hechuan_portal.settings"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=180,
        )
        yield cluster, env
    finally:
        cluster.stop()
        shutil.rmtree(cluster_dir, ignore_errors=True)


@needs_pg
def test_application_role_cannot_rewrite_the_audit_log(private_pg):
    """scripts/db_roles.sql: the role the site runs as may add audit rows, never change or remove them."""
    cluster, _env = private_pg
    with _pg(cluster.url("hechuan"), autocommit=True) as conn:
        conn.execute((ROOT / "scripts" / "db_roles.sql").read_text())
    app_url = cluster.url("hechuan").replace("postgres@", "hechuan_app@")
    with _pg(app_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO accounts_auditevent (at, actor_username, action, object_type, object_id, area_code,"
            " reason, changes) VALUES (now(), 'x', 'view', '', '', '', '', '{}')"
        )
        assert conn.execute("SELECT count(*) FROM areas_adminarea").fetchone()[0] >= 31
        for sql in (
            "UPDATE accounts_auditevent SET reason = 'x'",
            "DELETE FROM accounts_auditevent",
            "TRUNCATE accounts_auditevent",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
    with _pg(cluster.url("hechuan").replace("postgres@", "hechuan_backup@")) as conn:
        assert conn.execute("SELECT count(*) FROM accounts_auditevent").fetchone()[0] == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM areas_adminarea")


@needs_pg
def test_postgresql_restart_under_load_recovers_within_seconds(private_pg, tmp_path):
    cluster, env = private_pg
    env = {**env, "CONN_MAX_AGE": "60"}
    server = None
    log = tmp_path / "gunicorn.log"
    try:
        port = free_port()
        server = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "hechuan_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--error-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        wait_for_port(port, timeout=30)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:  # gunicorn binds before its workers have loaded Django
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn never became healthy"
            time.sleep(0.2)
        results: list[tuple[float, str, int]] = []
        stop = threading.Event()

        def load(path: str) -> None:
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(base + path, timeout=5) as response:
                        code = response.status
                except urllib.error.HTTPError as err:
                    code = err.code
                except OSError:
                    code = 0
                results.append((time.monotonic(), path, code))

        threads = [
            threading.Thread(target=load, args=(p,)) for p in ("/healthz", "/", "/api/v1/areas/", "/healthz")
        ]
        for t in threads:
            t.start()
        time.sleep(1.5)
        restart_started = time.monotonic()
        cluster.restart()
        restarted = time.monotonic()
        time.sleep(4)
        stop.set()
        for t in threads:
            t.join(timeout=10)

        before = [c for t, _p, c in results if t < restart_started]
        after = [(t, p, c) for t, p, c in results if t >= restarted]
        assert before and all(c == 200 for c in before), "the site was healthy before the restart"
        # Every request that started after the restart answered, and within 2 s all were 200 again.
        first_ok = min(t for t, _p, c in after if c == 200)
        late = [(p, c) for t, p, c in after if t >= restarted + 2]
        assert first_ok - restarted < 2
        assert late and all(c == 200 for _p, c in late), late[:5]
        assert server.poll() is None
        stats = {
            "requests": len(results),
            "during_restart_errors": sum(
                1 for t, _p, c in results if restart_started <= t < restarted and c != 200
            ),
            "after_restart_errors": sum(1 for _t, _p, c in after if c != 200),
            "restart_seconds": round(restarted - restart_started, 2),
            "recovered_seconds": round(first_ok - restarted, 3),
        }
        (tmp_path / "stats.txt").write_text(repr(stats))
        print("postgres restart under load:", stats)
    finally:
        stop_process(server)
        _append_to_suite_log(log)
