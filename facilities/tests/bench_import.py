"""Timing of the facility import (docs/performance.md): not collected by the suite (its name does not
start with test_); run explicitly:

    BENCH_ROWS=3000 .venv/bin/python -m pytest facilities/tests/bench_import.py -s -q -p no:cacheprovider

Rows are valid, spread over the district's towns, inside the district's extent; the preview, the
import into an empty registry and the re-import of the same file (every row unchanged) are timed.
"""

import csv
import io
import os
import time

import pytest

from facilities.services import facilities_import
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.areas.models import AdminArea

pytestmark = pytest.mark.django_db

KINDS = ["养老机构", "老年食堂", "托育机构", "日间照料中心", "社区养老服务站"]


def registry_csv(rows: int) -> bytes:
    towns = list(AdminArea.objects.filter(level="town", boundary__isnull=True).values_list("code", flat=True))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["名称", "类型", "镇街代码", "经度", "纬度", "地址", "电话", "床位总数", "已用床位", "托位总数"])
    for i in range(rows):
        kind = KINDS[i % len(KINDS)]
        beds = ("40", "20") if kind in ("养老机构", "日间照料中心") else ("", "")
        places = "30" if kind == "托育机构" else ""
        writer.writerow(
            [f"设施{i:05d}", kind, towns[i % len(towns)], f"{106.0 + (i % 600) / 1000:.6f}",
             f"{29.9 + (i % 400) / 1000:.6f}", f"路{i}号", "023-42750001", *beds, places]
        )  # fmt: skip
    return out.getvalue().encode()


def test_time_preview_import_reimport():
    rows = int(os.environ.get("BENCH_ROWS", "300"))
    content = registry_csv(rows)
    timings = {}
    for label, dry_run in (("preview", True), ("import", False), ("reimport", False)):
        start = time.perf_counter()
        report = facilities_import(actor=SYSTEM, source=io.BytesIO(content), dry_run=dry_run)
        timings[label] = time.perf_counter() - start
        assert report.errors == [], report.errors[:5]
    assert report.unchanged == rows
    print(f"\nBENCH rows={rows} load={os.getloadavg()} " + " ".join(f"{k}={v:.2f}s" for k, v in timings.items()))
