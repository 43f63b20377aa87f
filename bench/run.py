"""`make bench`: run every bench/bench_*.py and collect their figures in bench/RESULTS.md.

Each benchmark module exposes `run() -> str`, returning a Markdown section (a heading, the
figures, the floor beside each figure and the ratio). Benchmarks are never part of `make test`.
Pass module names to run only some: `python bench/run.py bench_facilities`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import sys
from pathlib import Path

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


def main(argv: list[str]) -> None:
    import django

    django.setup()
    names = argv or sorted(p.stem for p in BENCH.glob("bench_*.py"))
    sections = []
    for name in names:
        print(f"==> {name}", flush=True)
        sections.append(importlib.import_module(name).run())
    header = f"# Benchmark results\n\nMachine: {machine()}\nDate: {dt.date.today().isoformat()}\n"
    out = BENCH / "RESULTS.md"
    out.write_text(header + "\n" + "\n\n".join(sections) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
