"""Reads of the allowance app: dashboard figures per town, a person's history, the simulation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from hechuan_portal.accounts.scope import scope_for
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common.months import add_months, month_begins_at, month_start
from hechuan_portal.residents.models import Resident

from . import matching
from .models import (
    AllowanceDecision,
    AllowanceGrant,
    DecisionKind,
    Overpayment,
    OverpaymentStatus,
    PaymentLine,
)


def dashboard(*, user: Any, month: dt.date | None = None) -> dict[str, Any]:
    """Per town: recipients by tier, new and stopped this month, the month's cost, overpayments."""
    month = month_start(month or timezone.localdate())
    next_month = add_months(month, 1)
    towns = {t.code: {"town": t, "tiers": {}, "new": 0, "stopped": 0, "lines": 0, "cost": Decimal("0"),
                      "over_n": 0, "over_sum": Decimal("0")}
             for t in AdminArea.objects.towns().order_by("code")}  # fmt: skip
    scope = scope_for(user)
    if scope.town_code:
        towns = {k: v for k, v in towns.items() if k == scope.town_code}
    tiers: set[str] = set()
    for row in (
        # The town copied onto the grant (no join to the register: 1.4 s at 65,000 grants, issue 20).
        AllowanceGrant.objects.visible_to(user).filter(status="active")
        .values("town_id", "tier_label").annotate(n=Count("id")).order_by()
    ):  # fmt: skip
        if row["town_id"] in towns:
            towns[row["town_id"]]["tiers"][row["tier_label"]] = row["n"]
            tiers.add(row["tier_label"])
    for row in (
        # A range of aware datetimes (not `__date`, which no index serves), counting a column the
        # index carries: subsidies_decision_month_idx answers it alone, without the wide rows (issue 20).
        AllowanceDecision.objects.visible_to(user)
        .filter(decided_at__gte=month_begins_at(month), decided_at__lt=month_begins_at(next_month),
                run__isnull=False)
        .values("town_id")
        .annotate(
            new=Count("kind", filter=Q(kind__in=[DecisionKind.GRANT, DecisionKind.REINSTATE], new_status="active")),
            stopped=Count("kind", filter=Q(kind__in=[DecisionKind.SUSPEND, DecisionKind.TERMINATE])),
        )
        .order_by()
    ):  # fmt: skip
        if row["town_id"] in towns:
            towns[row["town_id"]].update(new=row["new"], stopped=row["stopped"])
    for row in (
        # No ordering: the model's (period, town, resident) joined the register for nothing (0.8 s).
        PaymentLine.objects.visible_to(user).filter(period__month=month)
        .values("town_id").annotate(n=Count("id"), total=Sum("amount")).order_by()
    ):  # fmt: skip
        if row["town_id"] in towns:
            towns[row["town_id"]].update(lines=row["n"], cost=row["total"] or Decimal("0"))
    for row in (
        Overpayment.objects.visible_to(user).filter(status=OverpaymentStatus.OPEN)
        .values("town_id").annotate(n=Count("id"), total=Sum("amount")).order_by()
    ):  # fmt: skip
        if row["town_id"] in towns:
            towns[row["town_id"]].update(over_n=row["n"], over_sum=row["total"] or Decimal("0"))
    tier_list = sorted(tiers)
    rows = []
    for data in towns.values():
        data["tier_counts"] = [data["tiers"].get(t, 0) for t in tier_list]
        data["recipients"] = sum(data["tiers"].values())
        rows.append(data)
    totals = {
        "recipients": sum(r["recipients"] for r in rows),
        "tier_counts": [sum(r["tier_counts"][i] for r in rows) for i in range(len(tier_list))],
        "new": sum(r["new"] for r in rows),
        "stopped": sum(r["stopped"] for r in rows),
        "lines": sum(r["lines"] for r in rows),
        "cost": sum((r["cost"] for r in rows), Decimal("0")),
        "over_n": sum(r["over_n"] for r in rows),
        "over_sum": sum((r["over_sum"] for r in rows), Decimal("0")),
    }
    return {"month": month, "tiers": tier_list, "rows": rows, "totals": totals}


def simulate(
    *, user: Any, tier_code: str, amount: Decimal, start: dt.date, months: int = 12
) -> dict[str, Any]:
    """ "If tier X were ¥Y from D": per month from D, the people in tier X and its cost now and then.

    Read-only (the transaction is rolled back); people as registered today, ages moving month by month.
    """
    start = month_start(start)
    last = add_months(start, months - 1)
    with transaction.atomic(), connection.cursor() as cursor:
        min_age = matching._prepare_policies(cursor, start)
        # No policy in force yet: nobody is in any tier (threshold in year 1 selects nobody).
        threshold = dt.date(last.year - min_age, last.month, 1) if min_age is not None else dt.date(1, 1, 1)
        # The people the user may see, old enough for a tier by the last month (the scope's own query).
        people = (
            Resident.objects.visible_to(user)
            .filter(town__isnull=False, birth_date__lt=threshold)
            .values("id", "birth_date", "dibao", "tekun", "status", "death_date", "moved_out_date")
        )
        sql, sql_params = people.query.sql_with_params()
        cursor.execute("DROP TABLE IF EXISTS m_people")
        cursor.execute(f"CREATE TEMP TABLE m_people ON COMMIT DROP AS {sql}", sql_params)
        people_months = """
            SELECT r.id, r.birth_date, r.dibao, r.tekun, mm.m::date AS m
            FROM m_people r
            CROSS JOIN generate_series(%(start)s::date, %(last)s::date, interval '1 month') AS mm(m)
            WHERE NOT (r.status = %(deceased)s AND date_trunc('month', r.death_date) < mm.m)
              AND NOT (r.status = %(moved_out)s AND date_trunc('month', r.moved_out_date) < mm.m)
        """
        tiered = matching.best_tier_sql(people_months, keys="src.id, src.m", month="m")
        cursor.execute(
            f"""
            SELECT x.m, count(DISTINCT x.id), coalesce(sum(x.t_amount), 0), array_agg(DISTINCT x.id)
            FROM ({tiered}) x
            WHERE x.t_code = %(tier)s
            GROUP BY x.m ORDER BY x.m
            """,
            matching.params(start=start, last=last, tier=tier_code),
        )
        rows, people = [], set()
        for month, n, current, ids in cursor.fetchall():
            people.update(ids or [])
            rows.append({"month": month.date() if hasattr(month, "date") else month, "people": n,
                         "current": current, "simulated": amount * n, "difference": amount * n - current})  # fmt: skip
        transaction.set_rollback(True)
    return {
        "rows": rows,
        "people": len(people),
        "monthly_current": rows[0]["current"] if rows else Decimal("0"),
        "monthly_simulated": rows[0]["simulated"] if rows else Decimal("0"),
        "yearly_current": sum((r["current"] for r in rows), Decimal("0")),
        "yearly_simulated": sum((r["simulated"] for r in rows), Decimal("0")),
        "yearly_difference": sum((r["difference"] for r in rows), Decimal("0")),
    }


EDGE_KINDS = ("away", "moves_pending", "corrections", "contradictions", "duplicates")


def edge_cases(*, user: Any, month: dt.date | None = None) -> dict[str, Any]:
    """Issue 17: this month's cases at the register's edges, counted per town (STANDARDS §6 rules
    7–9): recipients away this month, reappearances awaiting a move-in date, ID corrections carried
    this month, contradictory records, and likely duplicates held for review. A few grouped counts
    (each over a small set), plus the first people away and corrections for the lists."""
    from hechuan_portal.residents.models import AwayPeriod, IdCorrection, MoveReview
    from hechuan_portal.residents.selectors import contradictory

    month = month_start(month or timezone.localdate())
    start = month_begins_at(month)
    away = (
        AwayPeriod.objects.visible_to(user)
        .filter(Q(moved_out_date__isnull=True) | Q(moved_out_date__lt=month))
        .filter(Q(moved_in_date__isnull=True) | Q(moved_in_date__gte=month))
        .filter(resident__allowance__isnull=False)
    )
    pending = AwayPeriod.objects.visible_to(user).filter(review=MoveReview.PENDING)
    corrections = IdCorrection.objects.filter(resident__in=Resident.objects.visible_to(user), at__gte=start)
    duplicates = AllowanceGrant.objects.visible_to(user).filter(
        rule=matching.VALUES["r_duplicate"], review_status=matching.VALUES["requested"]
    )
    sources = {
        "away": away.values_list("resident__town_id").annotate(n=Count("resident_id", distinct=True)),
        "moves_pending": pending.values_list("resident__town_id").annotate(n=Count("id")),
        "corrections": corrections.values_list("resident__town_id").annotate(n=Count("id")),
        "contradictions": contradictory(Resident.objects.visible_to(user))
        .values_list("town_id")
        .annotate(n=Count("id")),
        "duplicates": duplicates.values_list("resident__town_id").annotate(n=Count("id")),
    }
    per_town: dict[str | None, dict[str, int]] = {}
    for kind, rows in sources.items():
        for town_id, n in rows.order_by():
            per_town.setdefault(town_id, dict.fromkeys(EDGE_KINDS, 0))[kind] = n
    names = dict(AdminArea.objects.filter(code__in=[t for t in per_town if t]).values_list("code", "name"))
    towns: list[dict[str, Any]] = [
        {"code": code, "name": names.get(code or "", ""), **counts}
        for code, counts in sorted(per_town.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    ]
    totals = {kind: sum(counts[kind] for counts in per_town.values()) for kind in EDGE_KINDS}
    return {
        "month": month,
        "towns": towns,
        "totals": totals,
        "away_people": away.select_related("resident", "resident__town").order_by(
            "resident__town_id", "resident__name"
        )[:100],
        "corrections": corrections.select_related("resident", "resident__town").order_by("-at")[:100],
    }
