"""HTTP under load at district scale: gunicorn (4 sync workers, DEBUG off) and wrk from a second
process on loopback, each endpoint for a bounded time, beside `/healthz` as the floor.

Endpoints: the residents' finder `near` API (anonymous), the staff facility list, the staff resident
search by name, the dashboard (`/manage/`). Staff requests carry the session cookie of a bench
district_staff account. Then, in process: the dashboard's first load (cache cleared) in server time
and the SQL query count of every endpoint, which must not depend on the data size.
"""

from __future__ import annotations

import os
import statistics
import time

from httpload import measure, serve, table

SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", 15))
CONNECTIONS = int(os.environ.get("BENCH_HTTP_CONNECTIONS", 16))
NEAR = "/api/v1/facilities/near/?near=106.2750,30.0050&radius=2000"
PACE_MS = 80  # each connection waits this long between requests: ~16 × 1000 / 80 = 200 requests/s
# Issue 20's starting figures (bench/RESULTS.md of 2026-12-01, 7c3eb70), each with the `/healthz` of
# its run: the target is 5× those req/s. Machines here differ (`/healthz` has read 512 to 2,208 req/s
# on the same code), so each figure is also compared as a share of its own run's `/healthz`.
ISSUE_20_FLOOR = 1745
ISSUE_20_START = {"facility list": 58, "resident search": 107}


def _staff_session() -> tuple[str, object]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from hechuan_portal.accounts.models import Role

    user, _ = get_user_model().objects.get_or_create(
        username="bench_staff", defaults={"role": Role.DISTRICT_STAFF}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    client.user = user  # signed in again after a cache.clear() (sessions live in Redis)
    return client.cookies["sessionid"].value, client


def _common_name() -> str:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT name FROM residents_resident WHERE name <> '' GROUP BY name ORDER BY count(*) DESC LIMIT 1"
        )
        row = c.fetchone()
    return row[0] if row else "张伟"


def run() -> str:
    from urllib.parse import quote

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from volume import counts

    n = counts()
    session, _client = _staff_session()
    name = _common_name()
    endpoints = [
        ("finder `near` API (anonymous, 2 km)", NEAR, ""),
        ("facility list `/manage/facilities/` (staff)", "/manage/facilities/", session),
        (f"resident search by name `/manage/residents/?q=…` (staff, {name})", f"/manage/residents/?q={quote(name)}", session),
        ("dashboard `/manage/` (staff)", "/manage/", session),
    ]  # fmt: skip
    rows = []
    with serve(workers=4) as base:
        for label, path, cookie in [("`/healthz` (floor)", "/healthz", "")] + endpoints:
            # A short warm-up so every worker has its connection and imports, then the measure.
            measure(base + path, seconds=2, connections=4, cookie=f"sessionid={cookie}" if cookie else "")
            result = measure(
                base + path,
                seconds=SECONDS,
                connections=CONNECTIONS,
                cookie=f"sessionid={cookie}" if cookie else "",
            )
            rows.append((label, result))
        # The same offered load for `near` and its floor: 16 connections each pacing its requests
        # (about FIXED_RPS requests/s, below both endpoints' capacity), so p95 is service time plus
        # the machine's noise, not queueing behind a saturated server.
        fixed = []
        for label, path in (
            ("`/healthz` (floor)", "/healthz"),
            ("finder `near` API (anonymous, 2 km)", NEAR),
        ):
            fixed.append(
                (label, measure(base + path, seconds=SECONDS, connections=CONNECTIONS, delay_ms=PACE_MS))
            )
    floor = rows[0][1]

    # In process: server time of the dashboard's first load and every endpoint's query count.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["localhost"]):
        _session, client = _staff_session()
        # A booted gunicorn worker: wsgi.py has run the warm-up and the handler has loaded its
        # middleware (the test client would otherwise do both inside the first request).
        from hechuan_portal.warmup import warm

        warm()
        client.handler.load_middleware()
        first_loads = []
        for _ in range(5):
            cache.clear()
            client.force_login(client.user)  # the session lived in the cache just cleared
            started = time.perf_counter()
            assert client.get("/manage/").status_code == 200
            first_loads.append((time.perf_counter() - started) * 1000)
        query_counts = []
        for label, path, cookie in endpoints:
            c = client if cookie else _anon()
            c.get(path)
            with CaptureQueriesContext(connection) as ctx:
                response = c.get(path)
            query_counts.append((label, response.status_code, len(ctx), len(response.content)))

    near, healthz = rows[1][1], floor
    fixed_near, fixed_healthz = fixed[1][1], fixed[0][1]
    verdict_fixed = "met" if fixed_near["p95"] <= 2 * fixed_healthz["p95"] else "MISSED"
    verdict_rps = "met" if near["rps"] >= 300 else "MISSED"
    first = statistics.median(first_loads)
    staff_targets = []
    for (_label, result), (name, start) in zip(rows[2:4], ISSUE_20_START.items(), strict=True):
        share_then, share_now = start / ISSUE_20_FLOOR, result["rps"] / floor["rps"]
        staff_targets.append(
            f"| {name} | {start} of {ISSUE_20_FLOOR:,} ({100 * share_then:.1f} %) | {result['rps']:.0f} of "
            f"{floor['rps']:.0f} ({100 * share_now:.1f} %) | {result['rps'] / start:.2f}× | "
            f"{share_now / share_then:.2f}× | **{'met' if share_now >= 5 * share_then else 'MISSED'}** |"
        )
    lines = [
        "## HTTP under load (gunicorn 4 sync workers, wrk on loopback)",
        "",
        f"Data: {n['residents']:,} residents, {n['facilities']:,} facilities, {n['children']:,} children, "
        f"{n['inspections']:,} inspections, {n['welfare visits']:,} visits. wrk: {CONNECTIONS} connections, "
        f"2 threads, {SECONDS} s per endpoint after a 2 s warm-up; gunicorn and wrk share the 2 cores.",
        "",
        table(rows, floor),
        "",
        f"At saturation (closed loop, every connection sends its next request at once), `/healthz` serves "
        f"{healthz['rps'] / near['rps']:.1f}× as many requests as `near`: not the same load, so its p95 ratio "
        f"({near['p95'] / healthz['p95']:.2f}×) is shown, not judged (issue 19 asks it at the same offered load, "
        f"below). `near` ≥ 300 req/s → {near['rps']:.0f}: **{verdict_rps}**.",
        "",
        f"Same offered load for both (each of the {CONNECTIONS} connections waits {PACE_MS} ms between "
        f"requests, about {CONNECTIONS * 1000 // PACE_MS} req/s):",
        "",
        table(fixed, fixed_healthz),
        "",
        f"`near` p95 ≤ 2× `/healthz` p95 at the same offered load → {fixed_near['p95']:.1f} vs "
        f"{2 * fixed_healthz['p95']:.1f} ms: **{verdict_fixed}**.",
        "",
        "Issue 20: the facility list and the resident search at 5× their req/s of the issue, judged as a "
        "share of each run's own `/healthz` (the absolute multiple is shown too):",
        "",
        "| page | issue's run: req/s of `/healthz` | this run | × req/s | × share of `/healthz` | ≥ 5× |",
        "|---|---:|---:|---:|---:|---|",
        *staff_targets,
        "",
        f"Dashboard first load in a booted worker (after the start-up warm-up of wsgi.py; cache cleared, in process, median of 5): **{first:.0f} ms** server time "
        f"(runs: {', '.join(f'{t:.0f}' for t in first_loads)}) — target ≤ 300 ms: "
        f"**{'met' if first <= 300 else 'MISSED'}**.",
        "",
        "| endpoint | status | SQL queries (warm) | bytes |",
        "|---|---:|---:|---:|",
        *[f"| {label} | {status} | {q} | {size:,} |" for label, status, q, size in query_counts],
    ]
    return "\n".join(lines)


def _anon():
    from django.test import Client

    return Client(HTTP_HOST="localhost")
