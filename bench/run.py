"""`make bench`: build the district-scale data set in its own database, run every
bench/bench_*.py against it and collect their figures in bench/RESULTS.md.

The database is SEPARATE from the dev and test ones: `BENCH_DATABASE_URL`, or DATABASE_URL with
the database name replaced by `hechuan_bench` (the name must end in `_bench`: the benchmarks
truncate tables). It is created when missing, migrated, seeded with
`seed_demo --residents $BENCH_RESIDENTS` (1.5 million by default) when it holds fewer residents,
then `bench/volume.py` multiplies the demo rows up to district volumes (5,000 facilities, 100,000
children, 50,000 inspections, 20,000 visits at 1.5 million; proportionally fewer for a smaller
BENCH_RESIDENTS). BENCH_RESULTS names the output file (default bench/RESULTS.md). Every step is bounded in time (BENCH_STEP_TIMEOUT,
seconds, per step and per benchmark module); a module that fails or overruns leaves a note in
RESULTS.md instead of its figures.

Each benchmark module exposes `run() -> str`, returning a Markdown section (a heading, the
figures, the floor beside each figure and the ratio). Benchmarks are never part of `make test`.
Pass module names to run only some: `python bench/run.py bench_facilities`; `--no-prepare` skips
the data set step. The destructive `bench_allowance` (it truncates and re-imports the residents)
runs last.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hechuan_portal.settings")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(
            next(
                ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")
            ).split()[1]
        )
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    return f"{os.cpu_count()} cores ({cpu}), {mem_kb // 1024 // 1024} GiB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", 1_500_000))
STEP_TIMEOUT = int(os.environ.get("BENCH_STEP_TIMEOUT", 3600))
LAST = ["bench_allowance"]  # destructive: truncates the residents and what refers to them


def bench_database_url() -> str:
    """The benchmark's own database: never the dev or the test one."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        import environ

        environ.Env.read_env(BENCH.parent / ".env", overwrite=False)
        parts = urlsplit(os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/hechuan"))
        url = urlunsplit(parts._replace(path="/hechuan_bench"))
    name = urlsplit(url).path.lstrip("/")
    if not name.endswith("_bench"):
        sys.exit(f"refusing to benchmark in {name!r}: the database name must end in _bench")
    return url


def load() -> str:
    """Load average and the busiest other processes: the machine is shared."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min)"


class StepTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise StepTimeout


def _bounded(fn, seconds: int = STEP_TIMEOUT):
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        return fn()
    finally:
        signal.alarm(0)


def _manage(*args: str, **env: str) -> None:
    subprocess.run(
        [sys.executable, str(BENCH.parent / "manage.py"), *args],
        check=True,
        timeout=STEP_TIMEOUT,
        env={**os.environ, **env},
    )


def prepare(url: str) -> list[str]:
    """Create, migrate and fill the benchmark database; returns the lines describing the data set."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"==> creating database {name}", flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')
    print("==> migrate", flush=True)
    _manage("migrate", "--noinput", "-v", "0")
    # gunicorn serves with DEBUG off, i.e. from the hashed manifest of the collected files.
    _manage("collectstatic", "--noinput", "-v", "0", DEBUG="False")
    import django

    django.setup()
    import volume

    timings = {}
    have = volume.counts()
    if have["residents"] < RESIDENTS or have["welfare visits"] == 0:
        print(f"==> seed_demo --residents {RESIDENTS}", flush=True)
        started = time.perf_counter()
        _manage("seed_demo", "--residents", str(RESIDENTS))
        timings["seed_demo"] = time.perf_counter() - started
    print("==> district volume (set-based copies)", flush=True)
    scale = RESIDENTS / 1_500_000
    timings.update(_bounded(lambda: volume.build(stdout=lambda m: print(m, flush=True), scale=scale)))
    n = volume.counts()
    return [
        "## Data set",
        "",
        f"Database `{name}` (separate from the dev and test databases). Built with "
        f"`seed_demo --residents {RESIDENTS:,}` and `bench/volume.py`:",
        "",
        "| table | rows |",
        "|---|---:|",
        *[f"| {k} | {v:,} |" for k, v in n.items()],
        "",
        "Build times: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()) + ".",
    ]


def _marked(name: str, text: str) -> str:
    return f"<!-- {name} -->\n{text}\n<!-- /{name} -->"


def _merge(out: Path, sections: list[str]) -> list[str]:
    """Running only some modules replaces their sections and keeps the others' from the last run."""
    import re

    if not out.exists():
        return sections
    old = out.read_text(encoding="utf-8")
    fresh = {re.match(r"<!-- (\S+) -->", s).group(1): s for s in sections if s.startswith("<!--")}
    kept = re.findall(r"(<!-- (\S+) -->.*?<!-- /\2 -->)", old, flags=re.S)
    merged = [fresh.pop(name, block) for block, name in kept]
    return merged + list(fresh.values())


def _write(sections: list[str], loads: list[str]) -> None:
    header = (
        f"# Benchmark results\n\nMachine: {machine()}\nDate: {dt.datetime.now(dt.UTC).isoformat(timespec='minutes')}\n\n"
        "Load (anything else running on the machine shares its cores with the server under test):\n\n"
        + "\n".join(f"- {line}" for line in loads)
        + "\n\nWhen only some modules run, the other sections are kept from the previous run.\n"
    )
    out = Path(os.environ.get("BENCH_RESULTS", BENCH / "RESULTS.md"))
    sections = _merge(out, sections)
    out.write_text(header + "\n" + "\n\n".join(sections) + "\n", encoding="utf-8")
    print(f"written {out}", flush=True)


def main(argv: list[str]) -> None:
    os.environ["DATABASE_URL"] = bench_database_url()
    prep = "--no-prepare" not in argv
    argv = [a for a in argv if a != "--no-prepare"]
    sections = []
    if prep:
        sections.append(_marked("dataset", "\n".join(prepare(os.environ["DATABASE_URL"]))))
    import django

    django.setup()
    names = argv or sorted(p.stem for p in BENCH.glob("bench_*.py"))
    names = [n for n in names if n not in LAST] + [n for n in LAST if n in names]
    loads = [f"before: {load()}"]
    for name in names:
        print(f"==> {name} ({load()})", flush=True)
        started = time.perf_counter()
        try:
            sections.append(_marked(name, _bounded(importlib.import_module(name).run)))
        except StepTimeout:
            sections.append(
                _marked(
                    name, f"## {name}\n\nNot measured: stopped after {STEP_TIMEOUT} s (BENCH_STEP_TIMEOUT)."
                )
            )
        except Exception:
            traceback.print_exc()
            sections.append(
                _marked(
                    name, f"## {name}\n\nNot measured: failed with\n\n```\n{traceback.format_exc(limit=3)}```"
                )
            )
        loads.append(f"after {name} ({time.perf_counter() - started:.0f} s): {load()}")
        _write(sections, loads)  # after each module: a late failure keeps the earlier figures
    _write(sections, loads)


if __name__ == "__main__":
    main(sys.argv[1:])
