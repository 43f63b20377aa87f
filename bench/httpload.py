"""HTTP load from a second process: gunicorn serving the portal, wrk hitting it on loopback.

`serve()` starts gunicorn against the current settings; `measure(url, …)` runs wrk for a bounded
time and returns requests/s and latency percentiles (p50/p95/p99, milliseconds) read from wrk's
own histogram through a small Lua script.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, "p50": %d, "p95": %d, "p99": %d}\\n',
    summary.requests, summary.duration, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
HEADERS_LUA = """
wrk.headers["Cookie"] = os.getenv("WRK_COOKIE") or ""
if os.getenv("WRK_TOKEN") and os.getenv("WRK_TOKEN") ~= "" then wrk.headers["Authorization"] = "Token " .. os.getenv("WRK_TOKEN") end
-- Residents come from many addresses: each request names one of 65,000 behind the trusted proxy
-- (serve() trusts loopback), so the per-client `near` throttle counts as it would in production
-- instead of refusing one address that sends everything.
request = function()
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format()
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(workers: int = 4):
    """gunicorn on a free port (sync workers, one per core and then some), stopped afterwards."""
    port = free_port()
    # Loopback is the trusted proxy: wrk's X-Forwarded-For (HEADERS_LUA) names the client.
    env = {**os.environ, "DEBUG": "False", "ALLOWED_HOSTS": "127.0.0.1,localhost", "TRUSTED_PROXIES": "127.0.0.1"}
    # As a deployment does: with DEBUG off the pages name hashed static files from the manifest,
    # which only a collectstatic with DEBUG off writes (without it every staff page is a 500).
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "hechuan_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def measure(
    url: str,
    *,
    seconds: int = 10,
    connections: int = 16,
    threads: int = 2,
    cookie: str = "",
    token: str = "",
    delay_ms: int = 0,
) -> dict:
    """wrk for `seconds`; with `delay_ms` each connection waits that long between requests, so the
    offered load is about connections × 1000 / delay_ms requests per second whatever the endpoint
    (the same load for the endpoint and its floor), instead of as many as the server can take."""
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            HEADERS_LUA + LUA + (f"\ndelay = function() return {delay_ms} end\n" if delay_ms else "")
        )
    env = {**os.environ, "WRK_COOKIE": cookie, "WRK_TOKEN": token}
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=seconds + 60,  # bounded even if wrk hangs on a stuck server
    ).stdout
    os.unlink(script.name)
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    for key in ("p50", "p95", "p99"):
        result[key] = result[key] / 1000.0  # µs → ms
    return result


def table(rows: list[tuple[str, dict]], floor: dict) -> str:
    lines = [
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | p95 ÷ /healthz p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows:
        ratio = r["p95"] / floor["p95"] if floor["p95"] else float("nan")
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
            f"{r['errors'] + r['non2xx']} | {ratio:.2f} |"
        )
    return "\n".join(lines)
