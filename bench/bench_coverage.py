"""Service-circle coverage (15分钟服务圈) for every community, against bare SQL floors.

`coverage_refresh()` rewrites CommunityCoverage: per community and service layer, the nearest
operating facility of the layer's kinds (KNN on the GiST index) and the elders / toddlers living
there (one pass over the residents). Floors, on the same data in the same run:
- the same nearest-neighbour query alone, in bare SQL, returning the rows instead of storing them;
- that query plus the bare per-community count of residents (everything the refresh has to read).
Best of three runs each, so a neighbour's burst on the shared machine counts less.
"""

from __future__ import annotations

import time

NN_SQL = """
SELECT c.code, l.id, n.id, n.dist
  FROM areas_adminarea c
  CROSS JOIN facilities_servicelayer l
  LEFT JOIN LATERAL (
        SELECT f.id, ST_Distance(f.location, c.centroid::geography) AS dist
          FROM facilities_facility f
         WHERE f.kind = ANY(l.kinds) AND f.status = 'operating'
         ORDER BY f.location <-> c.centroid::geography
         LIMIT 1
  ) n ON true
 WHERE c.level = 'community' AND c.centroid IS NOT NULL AND l.is_active
"""
COUNT_SQL = """
SELECT community_id, count(*) FILTER (WHERE birth_date <= current_date - interval '60 years'),
       count(*) FILTER (WHERE birth_date > current_date - interval '3 years')
  FROM residents_resident WHERE status = 'normal' AND community_id IS NOT NULL GROUP BY community_id
"""


def _best(fn, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def run() -> str:
    from django.db import connection
    from volume import counts

    from facilities.services import coverage_refresh
    from hechuan_portal.accounts.roles import SYSTEM

    def sql(statement):
        def go():
            with connection.cursor() as c:
                c.execute(statement)
                c.fetchall()

        return go

    n = counts()
    nn = _best(sql(NN_SQL))
    nn_count = _best(lambda: (sql(NN_SQL)(), sql(COUNT_SQL)()))
    rows = 0

    def refresh():
        nonlocal rows
        rows = coverage_refresh(actor=SYSTEM).rows

    full = _best(refresh)
    return "\n".join(
        [
            "## Service-circle coverage for all communities",
            "",
            f"{n['communities']:,} communities × active service layers = {rows:,} coverage rows; "
            f"{n['facilities']:,} facilities, {n['residents']:,} residents. Best of 3.",
            "",
            "| measure | figure | floor | ratio |",
            "|---|---:|---|---:|",
            f"| `coverage_refresh()` (NN + resident counts + rewrite + audit) | {full * 1000:.0f} ms | "
            f"bare NN query {nn * 1000:.0f} ms | {full / nn:.1f}× |",
            f"| same | {full * 1000:.0f} ms | bare NN + bare resident count {nn_count * 1000:.0f} ms | "
            f"{full / nn_count:.2f}× |",
        ]
    )
