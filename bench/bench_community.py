"""Meal assistance at district scale (issue 24 targets), measured beside floors on the same rows:

- a year of meals (BENCH_MEALS, 10 million by default) imported as one file per canteen through
  `community.services.meals_import` (parse, blind index, COPY into the stage, checks, one
  INSERT … SELECT) vs a bare `COPY` of the same files into an unindexed text table (target ≤ 10×);
- one month's claims for every canteen (`claims_compute`, one statement) vs a bare aggregate of the
  same month's meals by canteen (target ≤ 5×);
- one canteen's pre-approval checks for that month (no target; shown for the review page).

The diners are elders of the register (the benchmark database's seeded residents); their ID numbers
are decrypted once to write the files, as a canteen's till would hold them. Touches only the
community tables (emptied first) and adds bench canteens when the register has too few.
BENCH_MEAL_CANTEENS overrides 100 canteens.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

YEAR = 2025
CATEGORIES = ("80岁以上", "低保/特困", "失能", "其他老年人")


def _truncate() -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "TRUNCATE community_mealclaimchange, community_mealclaim, community_claimroll, community_meal, "
            "community_mealimport, community_mealshare, community_mealpolicy CASCADE"
        )


def _policies() -> None:
    from community import services
    from hechuan_portal.accounts.roles import SYSTEM

    def shares(government: str) -> dict:
        split = {"individual": Decimal("5"), "enterprise": Decimal("1"), "government": Decimal(government)}
        out = {c: dict(split) for c in ("age_80", "dibao_tekun", "disabled", "other_elder")}
        out["non_elder"] = {"individual": Decimal("12")}
        return out

    # Two policies: the claim joins each day to the one in force (a change on 16 July).
    services.policy_create(
        actor=SYSTEM,
        name="bench",
        effective_from=dt.date(YEAR, 1, 1),
        max_meals_per_day=2,
        shares=shares("4"),
    )
    services.policy_create(
        actor=SYSTEM,
        name="bench-2",
        effective_from=dt.date(YEAR, 7, 16),
        max_meals_per_day=2,
        shares=shares("5"),
    )


def _canteens(count: int) -> list:
    from django.contrib.gis.geos import Point

    from community.models import CanteenProfile
    from facilities.models import Facility, FacilityKind, FacilityStatus
    from hechuan_portal.areas.models import AdminArea

    canteens = list(Facility.objects.filter(kind=FacilityKind.ELDER_CANTEEN).order_by("id")[:count])
    towns = list(AdminArea.objects.filter(level="town").order_by("code"))
    for i in range(len(canteens), count):
        canteens.append(
            Facility.objects.create(
                name=f"基准老年食堂{i}",
                kind=FacilityKind.ELDER_CANTEEN,
                canteen_subtype="community",
                town=towns[i % len(towns)],
                location=Point(106.266, 29.991, srid=4326),
                status=FacilityStatus.OPERATING,
                is_demo=True,
            )
        )
    for canteen in canteens:
        CanteenProfile.objects.get_or_create(canteen=canteen, defaults={"seats": 80})
    return canteens


def _diners(count: int) -> list[str]:
    """ID numbers of `count` elders of the register (decrypted once, as the till holds them)."""
    from hechuan_portal.common import crypto
    from hechuan_portal.residents.models import Resident

    ciphers = (
        Resident.objects.filter(town__isnull=False, status="normal", birth_date__lt=dt.date(YEAR - 60, 1, 1))
        .order_by("id")
        .values_list("id_cipher", flat=True)[:count]
    )
    numbers = [crypto.decrypt(c) for c in ciphers]
    if not numbers:
        raise RuntimeError("the register has no elders: seed the benchmark database first")
    return numbers


def _write_files(
    folder: Path, canteens: list, meals: int, diners: list[str]
) -> list[tuple[object, Path, int]]:
    """One year-file per canteen, its share of `meals` rows: each canteen has its own regulars, who
    eat once or twice on the days the canteen opens (Monday–Saturday); a few rows of 非老年人 counts."""
    rng = random.Random(24)
    days = [d for d in (dt.date(YEAR, 1, 1) + dt.timedelta(n) for n in range(365)) if d.weekday() < 6]
    per_canteen = meals // len(canteens)
    per_day = max(1, per_canteen // len(days))
    regulars = max(1, len(diners) // len(canteens))
    out = []
    for i, canteen in enumerate(canteens):
        mine = diners[(i * regulars) % len(diners) :][:regulars] or diners[:regulars]
        path = folder / f"canteen-{canteen.pk}.csv"
        written = 0
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write("日期,身份证号,人员类别,就餐方式,份数\n")
            for day in days:
                text = day.isoformat()
                fh.write(f"{text},,非老年人,堂食,{rng.randint(1, 20)}\n")
                written += 1
                for k in range(per_day - 1):
                    number = mine[k % len(mine)]
                    category = CATEGORIES[hash(number) % len(CATEGORIES)]
                    way = "送餐上门" if k % 5 == 0 else "堂食"
                    fh.write(f"{text},{number},{category},{way},\n")
                    written += 1
        out.append((canteen, path, written))
    return out


def _bare_copy(files) -> float:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_bare_meals")
        c.execute(
            "CREATE TABLE bench_bare_meals (day text, id_number text, category text, way text, count text)"
        )
        started = time.perf_counter()
        for _canteen, path, _rows in files:
            with (
                open(path, "rb") as fh,
                c.copy("COPY bench_bare_meals FROM STDIN WITH (FORMAT csv, HEADER true)") as cp,
            ):
                while chunk := fh.read(1 << 20):
                    cp.write(chunk)
        seconds = time.perf_counter() - started
        c.execute("DROP TABLE bench_bare_meals")
    return seconds


def _import(files) -> tuple[float, int]:
    from community import services
    from hechuan_portal.accounts.roles import SYSTEM

    started = time.perf_counter()
    meals = 0
    for canteen, path, _rows in files:
        batch = services.meals_import(
            actor=SYSTEM, canteen=canteen, source=path, file_name=path.name, today=dt.date(YEAR + 1, 1, 1)
        )
        if batch.status != "succeeded":
            raise RuntimeError(f"bench import refused: {batch.errors[:5]}")
        meals += batch.meals
    return time.perf_counter() - started, meals


def _claims(month: dt.date) -> tuple[float, int]:
    from community import services
    from hechuan_portal.accounts.roles import SYSTEM

    started = time.perf_counter()
    written = services.claims_compute(actor=SYSTEM, month=month)
    return time.perf_counter() - started, written


def _bare_aggregate(month: dt.date) -> float:
    from django.db import connection

    end = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    with connection.cursor() as c:
        started = time.perf_counter()
        c.execute(
            "SELECT canteen_id, SUM(count) FROM community_meal WHERE day >= %s AND day < %s GROUP BY canteen_id",
            [month, end],
        )
        c.fetchall()
        return time.perf_counter() - started


def run() -> str:
    from django.db import connection

    from community import selectors

    meals = int(os.environ.get("BENCH_MEALS", 10_000_000))
    count = int(os.environ.get("BENCH_MEAL_CANTEENS", 100))
    month = dt.date(YEAR, 7, 1)  # the month with the policy change
    _truncate()
    _policies()
    canteens = _canteens(count)
    diners = _diners(max(count * 40, 1000))
    lines = [f"## Meal assistance ({meals:,} meal rows a year, {count} canteens)", ""]
    with tempfile.TemporaryDirectory() as tmp:
        files = _write_files(Path(tmp), canteens, meals, diners)
        rows = sum(r for _c, _p, r in files)
        bares = [_bare_copy(files)]
        imported, loaded = _import(files)
        bares.append(_bare_copy(files))
        bare = statistics.median(bares)
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE community_meal")
    aggregates, claim_runs = [], []
    for _ in range(3):
        aggregates.append(_bare_aggregate(month))
        seconds, written = _claims(month)
        claim_runs.append(seconds)
    floor, claims = statistics.median(aggregates), statistics.median(claim_runs)
    started = time.perf_counter()
    findings = selectors.claim_findings(canteen=canteens[0], month=month)
    checks = time.perf_counter() - started

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}×" if b else "–"

    lines += [
        "| measure | figure | floor | ratio | target |",
        "|---|---|---|---|---|",
        f"| import a year: {rows:,} rows in {count} files ({loaded:,} meal rows stored) | {imported:.1f} s | bare COPY {bare:.1f} s (median of {', '.join(f'{b:.1f}' for b in bares)} s) | {ratio(imported, bare)} | ≤ 10× |",
        f"| claims of {month:%Y-%m} for every canteen ({written} claims; one statement, policy change mid-month), median of 3 | {claims:.2f} s | bare aggregate {floor:.2f} s | {ratio(claims, floor)} | ≤ 5× |",
        f"| one canteen's four pre-approval checks for {month:%Y-%m} ({sum(len(v) for v in findings.values())} rows listed) | {checks:.2f} s | | | |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hechuan_portal.settings")
    import django

    django.setup()
    print(run())
