"""Elder care at district scale (issue 23): the to-assess list and the institution-support list, each
one set-based query, beside a bare SELECT of the same rows.

Seeds signed assessments first (one per person for every third person aged 80+, grades spread 0–4,
dated across the last 18 months so some are due again, and one for every person with 低保/特困 aged
60+), by INSERT … SELECT. Target: each list under 2 s for the 1.5 million register. Best of 3.
"""

from __future__ import annotations

import datetime as dt
import time

AS_OF = dt.date(2026, 11, 30)


def _best(fn, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _seed() -> int:
    from django.db import connection

    from eldercare.models import Assessment, AssessmentPolicy
    from hechuan_portal.accounts.models import Role, User
    from hechuan_portal.common.months import add_months
    from hechuan_portal.residents.models import Resident

    first, _ = User.objects.get_or_create(username="bench_assessor_1", defaults={"role": Role.DISTRICT_STAFF})
    second, _ = User.objects.get_or_create(username="bench_assessor_2", defaults={"role": Role.DISTRICT_STAFF})
    policy = AssessmentPolicy.objects.in_force_on(AS_OF)
    table, residents = Assessment._meta.db_table, Resident._meta.db_table
    eighty, sixty = add_months(AS_OF, -960), add_months(AS_OF, -720)
    with connection.cursor() as c:
        # TRUNCATE: the immutability trigger guards UPDATE and DELETE of signed rows, not this.
        c.execute(f"TRUNCATE {table}")
        c.execute(
            f"""
            INSERT INTO {table} (resident_id, town_id, assessed_on, place, policy_id, items, coma, dementia,
                mental_disorder, risk_events_30d, self_care, motor, mental, perception, total,
                preliminary_grade, final_grade, reasons, assessor_id, second_assessor_id, signed_at,
                notes, created_at)
            SELECT r.id, r.town_id, %(as_of)s::date - (r.id %% 540)::int, 'home', %(policy)s, '{{}}'::jsonb,
                false, false, false, 0, 0, 0, 0, 0, 0, g.grade, g.grade, '[]'::jsonb, %(first)s, %(second)s,
                now(), '', now()
            FROM {residents} r
            CROSS JOIN LATERAL (SELECT (r.id %% 5)::smallint AS grade) g
            WHERE r.status = 'normal' AND r.town_id IS NOT NULL
              AND ((r.birth_date <= %(eighty)s AND r.id %% 3 = 0)
                   OR ((r.dibao OR r.tekun) AND r.birth_date <= %(sixty)s))
            """,
            {
                "as_of": AS_OF,
                "policy": policy.pk,
                "first": first.pk,
                "second": second.pk,
                "eighty": eighty,
                "sixty": sixty,
            },
        )
        rows = c.rowcount
        c.execute(f"ANALYZE {table}")
    return rows


def run() -> str:
    from django.db import connection

    from eldercare import selectors
    from hechuan_portal.accounts.roles import SYSTEM
    from hechuan_portal.common.months import add_months
    from hechuan_portal.residents.models import Resident

    seeded = _seed()
    residents = Resident._meta.db_table
    to_assess = selectors.to_assess(user=SYSTEM, as_of=AS_OF)
    support = selectors.institution_support(user=SYSTEM, as_of=AS_OF)
    counts = {}

    def fetch(name, qs):
        def go():
            counts[name] = len(list(qs.values_list("pk", "last_assessed_on" if name == "to_assess" else "grade")))

        return go

    def bare(statement, params):
        def go():
            with connection.cursor() as c:
                c.execute(statement, params)
                c.fetchall()

        return go

    eighty, sixty = add_months(AS_OF, -960), add_months(AS_OF, -720)
    t_list = _best(fetch("to_assess", to_assess))
    t_bare = _best(
        bare(
            f"SELECT id, birth_date FROM {residents} WHERE status = 'normal' AND town_id IS NOT NULL "
            "AND birth_date <= %s",
            [eighty],
        )
    )
    t_support = _best(fetch("support", support))
    s_bare = _best(
        bare(
            f"SELECT id, town_id FROM {residents} WHERE status = 'normal' AND town_id IS NOT NULL "
            "AND (dibao OR tekun) AND birth_date <= %s",
            [sixty],
        )
    )
    page = _best(lambda: list(to_assess[:50]))
    total = Resident.objects.count()
    return "\n".join(
        [
            "## Elder care: to-assess and institution-support lists",
            "",
            f"{total:,} residents, {seeded:,} signed assessments seeded. Best of 3; each list is one query "
            "(fetched whole); the floor is a bare SELECT of the candidate rows without the assessment join.",
            "",
            "| measure | rows | figure | floor | ratio | target |",
            "|---|---:|---:|---:|---:|---|",
            f"| to-assess list (80+, no valid assessment) | {counts['to_assess']:,} | {t_list * 1000:.0f} ms | "
            f"{t_bare * 1000:.0f} ms | {t_list / t_bare:.1f}× | < 2 s |",
            f"| institution-support list (低保/特困, grade ≥ 2) | {counts['support']:,} | {t_support * 1000:.0f} ms | "
            f"{s_bare * 1000:.0f} ms | {t_support / s_bare:.1f}× | < 2 s |",
            f"| to-assess, first page of 50 | 50 | {page * 1000:.0f} ms | — | — | |",
        ]
    )
