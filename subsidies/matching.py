"""The nightly allowance match (DESIGN §7, STANDARDS §6) as set-based SQL in one transaction.

Steps, each one statement over the whole set:
1. `m_target`: for every person examined, the state the rules give for the as-of month (status,
   tier, first and last payable month) — the SQL twin of `rules.entitlement`.
2. New grants, then changed grants (tier change, suspension, termination, reinstatement), each with
   a decision row recording the rule, the data used and the dates. Manual grants are never touched.
3. The draft roll of the month: normal lines for the month, 补发 lines for missed months back to the
   arrears floor (baseline of the first closed roll, capped), diffed against what is there.
4. Overpayments: closed-roll lines for months after the death or move-out month.

A full run examines everybody old enough for the lowest tier plus everybody with a grant (an index
range on birth date). When the policy, the month, the arrears floor and the cap are unchanged since
the last successful run (its fingerprint), the run is incremental: only people whose record or grant
changed since then are examined. The whole run is one transaction (killing it midway leaves nothing
behind) under a PostgreSQL advisory lock (a second run exits at once).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.locks import LockName, exclusive_job
from hechuan_portal.common.months import month_start
from hechuan_portal.residents.models import AwayPeriod, HukouStatus, Resident

from . import rules
from .error_codes import ErrorCode
from .models import (
    AllowanceConfig,
    AllowanceDecision,
    AllowanceGrant,
    AllowancePolicy,
    AllowanceTier,
    DecisionKind,
    GrantStatus,
    LineKind,
    MatchRun,
    Overpayment,
    OverpaymentStatus,
    PaymentLine,
    PayrollPeriod,
    PeriodStatus,
    ReviewStatus,
    RunMode,
    RunStatus,
    TierCategory,
)

# Incremental runs re-examine people changed since the last run started, minus this margin, so an
# import that began before that run and committed during it is not missed.
SINCE_MARGIN = dt.timedelta(minutes=15)
# A run that writes this many rows (a district's first match) analyses the tables it wrote: the next
# run plans its reads on them before autovacuum has looked (a roll believed empty cost 122 s).
ANALYZE_AFTER_WRITES = 10_000

# Table names as the models name them (the statements below never spell one) …
RESIDENT = Resident._meta.db_table
AWAY = AwayPeriod._meta.db_table
POLICY = AllowancePolicy._meta.db_table
TIER = AllowanceTier._meta.db_table
GRANT = AllowanceGrant._meta.db_table
DECISION = AllowanceDecision._meta.db_table
PERIOD = PayrollPeriod._meta.db_table
LINE = PaymentLine._meta.db_table
OVERPAYMENT = Overpayment._meta.db_table
# … and the choice values they compare and write, passed as parameters (`%(active)s`).
VALUES: dict[str, str] = {
    "deceased": HukouStatus.DECEASED.value,
    "moved_out": HukouStatus.MOVED_OUT.value,
    "none": GrantStatus.NONE.value,
    "active": GrantStatus.ACTIVE.value,
    "suspended": GrantStatus.SUSPENDED.value,
    "terminated": GrantStatus.TERMINATED.value,
    "any_category": TierCategory.NONE.value,
    "dibao": TierCategory.DIBAO.value,
    "tekun": TierCategory.TEKUN.value,
    "no_review": ReviewStatus.NONE.value,
    "k_grant": DecisionKind.GRANT.value,
    "k_tier_change": DecisionKind.TIER_CHANGE.value,
    "k_reinstate": DecisionKind.REINSTATE.value,
    "k_terminate": DecisionKind.TERMINATE.value,
    "k_suspend": DecisionKind.SUSPEND.value,
    "closed": PeriodStatus.CLOSED.value,
    "normal": LineKind.NORMAL.value,
    "arrears": LineKind.ARREARS.value,
    "open": OverpaymentStatus.OPEN.value,
    # The rule a decision names (models.RULE_LABELS).
    "r_outside": "outside_district",
    "r_below_age": "below_age",
    "r_age_tier": "age_tier",
    "r_away": "away",
    "r_duplicate": "suspected_duplicate",
    "r_correction": "id_correction",
    "requested": ReviewStatus.REQUESTED.value,
}

# Rule 7: month `{m}` of person `{who}` lies in one of their periods away (after the move-out
# month, up to and including the move-in month; an open end is open). Used as NOT EXISTS, which
# PostgreSQL plans as an anti-join against the (small) table of periods.
AWAY_MONTH = """EXISTS (SELECT 1 FROM {away} a WHERE a.resident_id = {who}
    AND {m} > coalesce(date_trunc('month', a.moved_out_date)::date, '-infinity'::date)
    AND {m} <= coalesce(date_trunc('month', a.moved_in_date)::date, 'infinity'::date))"""


def away_month(who: str, m: str) -> str:
    return AWAY_MONTH.format(away=AWAY, who=who, m=m)


def params(**extra: Any) -> dict[str, Any]:
    """The statement's own parameters with the choice values (`VALUES`)."""
    return {**VALUES, **extra}


class RunInProgress(PortalError):
    """Another match (or a household import) holds the register's lock; `run` is the skipped run."""

    def __init__(self, run: MatchRun) -> None:
        super().__init__(ErrorCode.RUN_IN_PROGRESS, status=409)
        self.run = run


@dataclass
class MatchOutcome:
    run: MatchRun
    counts: dict[str, Any] = field(default_factory=dict)


def _fingerprint(cursor, *, month: dt.date, floor: dt.date, cap: int) -> str:
    cursor.execute(
        f"""
        SELECT coalesce(string_agg(concat_ws('|', p.id, p.effective_from, t.code, t.label, t.min_age,
                   t.max_age, t.category, t.monthly_amount), ';' ORDER BY p.effective_from, t.code), '')
        FROM {POLICY} p LEFT JOIN {TIER} t ON t.policy_id = p.id
        """
    )
    policies = cursor.fetchone()[0]
    raw = f"{month}|{floor}|{cap}|{policies}"
    return hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()


def _baseline(cursor) -> dt.date | None:
    cursor.execute(f"SELECT min(month) FROM {PERIOD} WHERE status = %(closed)s", params())
    return cursor.fetchone()[0]


def _prepare_policies(cursor, month: dt.date) -> int | None:
    """Temp tables of the policies with their validity ranges; returns the lowest age of P(month)."""
    cursor.execute("DROP TABLE IF EXISTS m_tier")
    cursor.execute(
        f"""
        CREATE TEMP TABLE m_tier ON COMMIT DROP AS
        SELECT t.policy_id, t.code, t.label, t.min_age, t.max_age, t.category, t.monthly_amount,
               p.valid_from, p.valid_to
        FROM {TIER} t
        JOIN (SELECT id, effective_from AS valid_from,
                     lead(effective_from, 1, 'infinity'::date) OVER (ORDER BY effective_from) AS valid_to
              FROM {POLICY}) p ON p.id = t.policy_id
        """
    )
    cursor.execute("ANALYZE m_tier")  # a handful of rows: statistics are free
    cursor.execute(
        "SELECT min(min_age) FROM m_tier WHERE valid_from <= %(month)s AND valid_to > %(month)s",
        {"month": month},
    )
    return cursor.fetchone()[0]


def _prepare_start_ages(cursor) -> None:
    """m_start: per policy and per 低保/特困 combination, the lowest age any of its tiers pays from.

    A grant starts the month after the birthday month of that age (STANDARDS §6).
    """
    cursor.execute("DROP TABLE IF EXISTS m_start")
    cursor.execute(
        """
        CREATE TEMP TABLE m_start ON COMMIT DROP AS
        SELECT t.policy_id, f.dibao, f.tekun, min(t.min_age) AS min_age
        FROM m_tier t
        CROSS JOIN (VALUES (false, false), (true, false), (false, true), (true, true)) f (dibao, tekun)
        WHERE t.category = %(any_category)s OR (t.category = %(dibao)s AND f.dibao)
           OR (t.category = %(tekun)s AND f.tekun)
        GROUP BY t.policy_id, f.dibao, f.tekun
        """,
        params(),
    )
    cursor.execute("ANALYZE m_start")  # four rows a policy: free, and the planner hash-joins it


def best_tier_sql(source: str, *, keys: str, month: str) -> str:
    """`source` (rows with birth_date, dibao, tekun and a month column) with the tier paid for that
    month — the SQL twin of rules.tier_for: age by birthday month, policy in force on the 1st,
    highest amount wins. Adds age_at and t_policy, t_code, t_label, t_amount, t_age (NULL without
    a tier). The statement takes `params()` (the category values).

    One join against the few tier rows and a DISTINCT ON, rather than a LATERAL … LIMIT 1 per
    person, which cost a sort per row (issue 9). OFFSET 0 keeps the age computed once per row.
    """
    # date_part (double precision), not EXTRACT: EXTRACT returns numeric since PostgreSQL 14, and
    # numeric arithmetic over every person-month was a third of this step.
    age = (
        f"((date_part('year', s.{month})::int * 12 + date_part('month', s.{month})::int)"
        " - (date_part('year', s.birth_date)::int * 12 + date_part('month', s.birth_date)::int) - 1) / 12"
    )
    return f"""
        SELECT DISTINCT ON ({keys}) src.*, t.policy_id AS t_policy, t.code AS t_code, t.label AS t_label,
               t.monthly_amount AS t_amount, CASE WHEN t.code IS NOT NULL THEN src.age_at END AS t_age
        FROM (SELECT s.*, {age} AS age_at FROM ({source}) s OFFSET 0) src
        LEFT JOIN m_tier t ON t.valid_from <= src.{month} AND t.valid_to > src.{month}
             AND t.min_age <= src.age_at AND (t.max_age IS NULL OR src.age_at <= t.max_age)
             AND (t.category = %(any_category)s OR (t.category = %(dibao)s AND src.dibao)
                  OR (t.category = %(tekun)s AND src.tekun))
        ORDER BY {keys}, t.monthly_amount DESC, t.code
    """


_PERSON_COLUMNS = """r.id AS resident_id, r.town_id, r.birth_date, r.status AS hukou_status, r.dibao, r.tekun,
    r.hukou_code, r.source, r.extract_date, r.death_date, r.moved_out_date, r.moved_in_date,
    CASE WHEN r.death_date IS NOT NULL THEN date_trunc('month', r.death_date)::date
         WHEN r.moved_out_date IS NOT NULL
              AND (r.moved_in_date IS NULL OR r.moved_in_date <= r.moved_out_date)
         THEN date_trunc('month', r.moved_out_date)::date
    END AS end_month"""


def _build_targets(cursor, *, month: dt.date, min_age: int | None, since) -> int:
    threshold = dt.date(month.year - min_age, month.month, 1) if min_age is not None else dt.date(1, 1, 1)
    changed_r = "AND r.updated_at >= %(since)s" if since else ""
    if since:
        # Incremental: the younger with an automatic grant whose record changed, those whose grant
        # changed while their record did not, and the old whose grant changed while their record
        # did not (e.g. handed back from a manual decision). Each branch starts from an index on
        # updated_at; all are disjoint from `old` and from each other.
        others = f"""
            SELECT {_PERSON_COLUMNS} FROM {RESIDENT} r
            JOIN {GRANT} g ON g.resident_id = r.id
            WHERE NOT g.manual AND r.updated_at >= %(since)s AND r.birth_date >= %(threshold)s
            UNION ALL
            SELECT {_PERSON_COLUMNS} FROM {GRANT} g
            JOIN {RESIDENT} r ON r.id = g.resident_id
            WHERE NOT g.manual AND g.updated_at >= %(since)s AND r.updated_at < %(since)s"""
        young = ""
    else:
        # Full: the grants left once the old are taken out (usually none) are the only ones looked
        # up in the register; materialised, so the 60,000 grants of the old are never probed one by
        # one (issue 9).
        young = f"""young AS MATERIALIZED (
            SELECT g.resident_id FROM {GRANT} g
            WHERE NOT g.manual AND g.resident_id NOT IN (SELECT o.resident_id FROM old o)
        ),"""
        others = f"""
            SELECT {_PERSON_COLUMNS} FROM {RESIDENT} r
            JOIN young y ON y.resident_id = r.id
            WHERE r.birth_date >= %(threshold)s"""
    tiered = best_tier_sql(
        "SELECT x.*, LEAST(%(month)s::date, coalesce(x.end_month, %(month)s::date)) AS ref_month FROM x",
        keys="src.resident_id",
        month="ref_month",
    )
    # The people away this month (rule 7): a handful, read once (an uncorrelated, hashed IN below)
    # rather than probed once per person examined.
    cursor.execute("DROP TABLE IF EXISTS m_away")
    cursor.execute(
        f"""
        CREATE TEMP TABLE m_away ON COMMIT DROP AS
        SELECT DISTINCT a.resident_id FROM {AWAY} a
        WHERE %(month)s::date > coalesce(date_trunc('month', a.moved_out_date)::date, '-infinity'::date)
          AND %(month)s::date <= coalesce(date_trunc('month', a.moved_in_date)::date, 'infinity'::date)
        """,
        {"month": month},
    )
    # Each person's periods away, for the decisions' data (hash-joined: a few rows).
    cursor.execute("DROP TABLE IF EXISTS m_away_data")
    cursor.execute(
        f"""
        CREATE TEMP TABLE m_away_data ON COMMIT DROP AS
        SELECT a.resident_id,
               jsonb_agg(jsonb_build_object('moved_out', a.moved_out_date, 'moved_in', a.moved_in_date)
                         ORDER BY a.moved_out_date NULLS FIRST) AS away
        FROM {AWAY} a GROUP BY a.resident_id
        """
    )
    cursor.execute("DROP TABLE IF EXISTS m_target")
    cursor.execute(
        f"""
        CREATE TEMP TABLE m_target ON COMMIT DROP AS
        WITH old AS MATERIALIZED (
            -- Everybody old enough for a tier (birth-date index range) …
            SELECT {_PERSON_COLUMNS} FROM {RESIDENT} r
            WHERE r.birth_date < %(threshold)s {changed_r}
        ),
        {young}
        x AS (
            -- … plus everybody else who holds an automatic grant.
            SELECT * FROM old
            UNION ALL
            {others}
        ),
        tiered AS ({tiered})
        SELECT x.*, ad.away, x.t_policy AS policy_id, x.t_code AS tier_code, x.t_label AS tier_label,
               x.t_amount AS monthly_amount, x.t_age AS age,
               (date_trunc('month', x.birth_date) + make_interval(years => st.min_age)
                + interval '1 month')::date AS start_month,
               CASE WHEN x.end_month IS NOT NULL THEN %(terminated)s
                    WHEN x.town_id IS NULL THEN %(suspended)s
                    WHEN x.t_code IS NULL THEN %(suspended)s
                    WHEN x.away_now THEN %(suspended)s
                    ELSE %(active)s END AS target_status,
               -- By the dates, whatever 户籍状态 says (rule 9).
               CASE WHEN x.death_date IS NOT NULL THEN %(deceased)s
                    WHEN x.end_month IS NOT NULL THEN %(moved_out)s
                    WHEN x.town_id IS NULL THEN %(r_outside)s
                    WHEN x.t_code IS NULL THEN %(r_below_age)s
                    WHEN x.away_now THEN %(r_away)s
                    ELSE %(r_age_tier)s END AS rule
        FROM (SELECT tiered.*, tiered.resident_id IN (SELECT resident_id FROM m_away) AS away_now
              FROM tiered) x
        LEFT JOIN m_start st ON st.policy_id = x.t_policy AND st.dibao = x.dibao AND st.tekun = x.tekun
        LEFT JOIN m_away_data ad ON ad.resident_id = x.resident_id
        """,
        params(threshold=threshold, month=month, since=since),
    )
    # No ANALYZE: the steps that follow probe m_target by resident, and its row count (which the
    # planner reads from the table's size) is all they need; statistics cost a tenth of a run.
    cursor.execute("CREATE INDEX ON m_target (resident_id)")
    cursor.execute("SELECT count(*) FROM m_target")
    return cursor.fetchone()[0]


# The data a decision used: everything but the ID number (never copied out of residents).
_DATA = """jsonb_build_object(
    'birth_date', t.birth_date, 'hukou_code', t.hukou_code, 'hukou_status', t.hukou_status,
    'death_date', t.death_date, 'moved_out_date', t.moved_out_date, 'moved_in_date', t.moved_in_date,
    'dibao', t.dibao, 'tekun', t.tekun,
    'age', t.age, 'tier', t.tier_code, 'amount', t.monthly_amount, 'policy', t.policy_id,
    'start_month', t.start_month, 'end_month', t.end_month, 'month', %(month)s::date,
    'source', t.source, 'extract_date', t.extract_date, 'away', t.away)"""


def _hold_suspected_duplicates(cursor) -> int:
    """STANDARDS §6 rule 8 without 曾用身份证号: a newly eligible person whose name, gender and
    address match a current recipient's is probably that recipient under a corrected number. Their
    target becomes "suspended, suspected duplicate": the new grant goes to the review queue and
    nothing is paid until staff decide. Skipped when nobody receives the allowance yet (a district's
    first match), where every person is newly eligible and none is a current recipient."""
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {GRANT} WHERE status = %(active)s)", params())
    if not cursor.fetchone()[0]:
        return 0
    # The newly eligible first (a few hundred on a night, read by the index on m_target and the
    # register's key), with statistics; then their look-alikes among current recipients through the
    # register's name index. One statement over both let the planner, blind to m_target's contents,
    # probe the recipients once per row examined: 20 s instead of milliseconds at 1.5 M residents.
    cursor.execute("DROP TABLE IF EXISTS m_new")
    cursor.execute(
        f"""
        CREATE TEMP TABLE m_new ON COMMIT DROP AS
        -- The anti-join over all the targets, the status filtered after it: filtered first, the
        -- planner (no statistics) expected a few hundred rows and probed the grants 64,000 times.
        WITH fresh AS MATERIALIZED (
            SELECT t.resident_id, t.target_status FROM m_target t
            WHERE NOT EXISTS (SELECT 1 FROM {GRANT} g WHERE g.resident_id = t.resident_id AND g.status <> %(none)s)
        )
        SELECT f.resident_id, r.name, r.gender, r.address
        FROM fresh f JOIN {RESIDENT} r ON r.id = f.resident_id
        WHERE f.target_status = %(active)s AND r.address <> ''
        """,
        params(),
    )
    cursor.execute("ANALYZE m_new")
    cursor.execute(
        f"""
        UPDATE m_target t SET target_status = %(suspended)s, rule = %(r_duplicate)s
        FROM m_new n
        WHERE t.resident_id = n.resident_id
          AND EXISTS (
              SELECT 1 FROM {RESIDENT} o JOIN {GRANT} og ON og.resident_id = o.id AND og.status = %(active)s
              WHERE o.name = n.name AND o.gender = n.gender AND o.address = n.address
                AND o.id <> n.resident_id)
        """,
        params(),
    )
    return cursor.rowcount


def _new_grants(cursor, *, run_id: int, month: dt.date, as_of: dt.date, floor: dt.date) -> int:
    cursor.execute(
        f"""
        WITH ins AS (
            INSERT INTO {GRANT} (
                resident_id, status, tier_code, tier_label, monthly_amount, start_month, end_month, rule,
                manual, review_status, review_note, review_requested_at, created_at, updated_at, last_run_id)
            SELECT t.resident_id, t.target_status, t.tier_code, t.tier_label, t.monthly_amount,
                   t.start_month, t.end_month, t.rule, false,
                   CASE WHEN t.rule = %(r_duplicate)s THEN %(requested)s ELSE %(no_review)s END,
                   '', CASE WHEN t.rule = %(r_duplicate)s THEN now() END, now(), now(), %(run)s
            FROM m_target t
            WHERE t.tier_code IS NOT NULL AND t.town_id IS NOT NULL
              AND (t.target_status = %(active)s OR t.rule = %(r_duplicate)s
                   OR (t.target_status = %(terminated)s AND t.end_month >= GREATEST(t.start_month, %(floor)s)))
              AND NOT EXISTS (SELECT 1 FROM {GRANT} g WHERE g.resident_id = t.resident_id)
            ON CONFLICT (resident_id) DO NOTHING
            RETURNING id, resident_id, status
        )
        INSERT INTO {DECISION} (grant_id, resident_id, run_id, kind, rule, old_status,
            new_status, data, as_of, decided_at, note)
        SELECT ins.id, ins.resident_id, %(run)s, %(k_grant)s, t.rule, '', ins.status, {_DATA}, %(as_of)s, now(), ''
        FROM ins JOIN m_target t ON t.resident_id = ins.resident_id
        """,
        params(run=run_id, month=month, as_of=as_of, floor=floor),
    )
    return cursor.rowcount


def _changed_grants(cursor, *, run_id: int, month: dt.date, as_of: dt.date) -> dict[str, int]:
    """Apply the target to existing automatic grants whose state differs; one decision per change.

    The grants that change, with their status before (PostgreSQL 15 has no OLD in RETURNING), are
    found first by one join of the targets with the grants (`m_changed`; none on most nights), and
    only they are updated: a self-join of the grants inside the UPDATE read the table twice for
    every run. `NOT g.manual` is re-checked on the current row version, so a manual decision
    committed while the run was computing wins.
    """
    new_tier = "CASE WHEN t.target_status = %(active)s OR t.tier_code IS NOT NULL THEN {t} ELSE {g} END"
    cols = {c: new_tier.format(t=f"t.{c}", g=f"g.{c}") for c in ("tier_code", "tier_label", "monthly_amount")}
    cursor.execute("DROP TABLE IF EXISTS m_changed")
    cursor.execute(
        f"""
        CREATE TEMP TABLE m_changed ON COMMIT DROP AS
        SELECT g.id, g.status AS old_status
        FROM m_target t JOIN {GRANT} g ON g.resident_id = t.resident_id
        WHERE NOT g.manual
          -- Held for review as a likely ID correction (rule 8): staff decide, not the job.
          AND NOT (g.rule = %(r_duplicate)s AND g.review_status = %(requested)s)
          AND NOT (g.status = %(none)s AND t.target_status <> %(active)s)
          AND (g.status, {cols["tier_code"]}, {cols["monthly_amount"]}, coalesce(t.start_month, g.start_month),
               t.end_month)
              IS DISTINCT FROM (t.target_status, g.tier_code, g.monthly_amount, g.start_month, g.end_month)
        """,
        params(),
    )
    cursor.execute(
        f"""
        WITH upd AS (
            UPDATE {GRANT} g SET
                status = t.target_status,
                tier_code = {cols["tier_code"]},
                tier_label = {cols["tier_label"]},
                monthly_amount = {cols["monthly_amount"]},
                start_month = coalesce(t.start_month, g.start_month),
                end_month = t.end_month,
                rule = t.rule,
                updated_at = now(),
                last_run_id = %(run)s
            FROM m_changed c, m_target t
            WHERE g.id = c.id AND t.resident_id = g.resident_id AND NOT g.manual
            RETURNING g.id, g.resident_id, c.old_status, g.status AS new_status
        ),
        dec AS (
            INSERT INTO {DECISION} (grant_id, resident_id, run_id, kind, rule, old_status,
                new_status, data, as_of, decided_at, note)
            SELECT upd.id, upd.resident_id, %(run)s,
                   CASE WHEN upd.new_status = %(active)s AND upd.old_status = %(active)s THEN %(k_tier_change)s
                        WHEN upd.new_status = %(active)s AND upd.old_status = %(none)s THEN %(k_grant)s
                        WHEN upd.new_status = %(active)s THEN %(k_reinstate)s
                        WHEN upd.new_status = %(terminated)s THEN %(k_terminate)s
                        ELSE %(k_suspend)s END,
                   t.rule, upd.old_status, upd.new_status, {_DATA}, %(as_of)s, now(), ''
            FROM upd JOIN m_target t ON t.resident_id = upd.resident_id
            RETURNING kind
        )
        SELECT kind, count(*) FROM dec GROUP BY kind
        """,
        params(run=run_id, month=month, as_of=as_of),
    )
    return dict(cursor.fetchall())


def _ensure_period(month: dt.date) -> tuple[int, str]:
    """The roll of `month`, created as a draft when missing: (id, status)."""
    PayrollPeriod.objects.bulk_create([PayrollPeriod(month=month)], ignore_conflicts=True)
    period = PayrollPeriod.objects.only("status").get(month=month)
    return period.pk, period.status


def _payroll(cursor, *, period_id: int, month: dt.date, floor: dt.date, since) -> dict[str, int]:
    """Bring the draft roll of `month` in line with the grants: normal lines and 补发 lines.

    Lines for months already in another roll (closed, or another open draft) are left to that roll.
    Manual grants are paid their decided amount; automatic ones the tier of each month's own policy.
    """
    # The people come from m_target, already read this run; only grants of people outside it
    # (manual grants: of the young, or in an incremental run of unchanged people whose grant changed)
    # are joined with the register. In an incremental run only those grants are in scope.
    others = "AND g.updated_at >= %(since)s" if since else ""
    columns = """g.resident_id, g.manual, g.tier_code, g.tier_label, g.monthly_amount, p.birth_date,
               p.dibao, p.tekun, p.town_id,
               GREATEST(g.start_month, %(floor)s) AS first_month,
               CASE WHEN g.status = %(terminated)s THEN LEAST(g.end_month, %(month)s) ELSE %(month)s END
                   AS last_month,
               g.status IN (%(active)s, %(terminated)s) AND g.start_month IS NOT NULL AS payable"""
    cursor.execute("DROP TABLE IF EXISTS m_scope")
    cursor.execute(
        f"""
        CREATE TEMP TABLE m_scope ON COMMIT DROP AS
        WITH rest AS MATERIALIZED (
            -- Materialised: the register is probed for these few grants only, never for all.
            -- Manual ones only: every automatic grant's holder is a target (`_build_targets`).
            SELECT g.id FROM {GRANT} g
            WHERE g.manual AND NOT EXISTS (SELECT 1 FROM m_target t WHERE t.resident_id = g.resident_id) {others}
        )
        SELECT {columns}
        FROM {GRANT} g JOIN m_target p ON p.resident_id = g.resident_id
        UNION ALL
        SELECT {columns}
        FROM rest JOIN {GRANT} g ON g.id = rest.id
        JOIN {RESIDENT} p ON p.id = g.resident_id
        """,
        params(floor=floor, month=month, since=since),
    )
    cursor.execute("CREATE INDEX ON m_scope (resident_id)")
    tiered = best_tier_sql(
        """SELECT s.*, generate_series(s.first_month, s.last_month, interval '1 month')::date AS m
           FROM m_scope s WHERE s.payable AND s.first_month <= s.last_month""",
        keys="src.resident_id, src.m",
        month="m",
    )
    cursor.execute("DROP TABLE IF EXISTS m_lines")
    cursor.execute(
        f"""
        CREATE TEMP TABLE m_lines ON COMMIT DROP AS
        SELECT x.resident_id, x.town_id, x.m AS month,
               CASE WHEN x.m = %(month)s THEN %(normal)s ELSE %(arrears)s END AS kind,
               CASE WHEN x.manual THEN x.tier_code ELSE x.t_code END AS tier_code,
               CASE WHEN x.manual THEN x.tier_label ELSE x.t_label END AS tier_label,
               CASE WHEN x.manual THEN x.monthly_amount ELSE x.t_amount END AS amount
        FROM ({tiered}) x
        WHERE (x.manual OR x.t_code IS NOT NULL)
          AND NOT {away_month("x.resident_id", "x.m")}
          AND (x.m = %(month)s OR NOT EXISTS (
                SELECT 1 FROM {LINE} l
                WHERE l.resident_id = x.resident_id AND l.month = x.m AND l.period_id <> %(period)s))
        """,
        params(month=month, period=period_id),
    )
    # Probed once per line of the roll below. Without the index a roll the planner believes empty
    # (its statistics predate the first match's 64,000 lines) is anti-joined by a nested loop over
    # a scan of m_lines: 122 s instead of 0.1 s for a re-match at district scale.
    cursor.execute("CREATE INDEX ON m_lines (resident_id, month)")
    # A full run's scope is every grant: joined (one row a person, nothing to de-duplicate; as IN,
    # the planner guessed 200 people and hashed and sorted 64,000). A nightly run's few hundred
    # people are probed through the roll's (resident, month) index.
    scope = "l.resident_id IN (SELECT resident_id FROM m_scope)" if since else "l.resident_id = s.resident_id"
    cursor.execute(
        f"""
        DELETE FROM {LINE} l {"" if since else "USING m_scope s"}
        WHERE l.period_id = %(period)s AND {scope}
          AND NOT EXISTS (SELECT 1 FROM m_lines n WHERE n.resident_id = l.resident_id AND n.month = l.month)
        """,
        {"period": period_id},
    )
    deleted = cursor.rowcount
    cursor.execute(
        f"""
        WITH up AS (
            INSERT INTO {LINE} AS l (period_id, resident_id, town_id, month, tier_code,
                tier_label, amount, kind)
            SELECT %(period)s, n.resident_id, n.town_id, n.month, n.tier_code, n.tier_label, n.amount, n.kind
            FROM m_lines n
            -- Lines already as they should be are skipped here, by an index probe, rather than
            -- by a speculative insertion and row lock each (the steady state of a nightly run).
            WHERE NOT EXISTS (
                SELECT 1 FROM {LINE} o
                WHERE o.resident_id = n.resident_id AND o.month = n.month AND o.period_id = %(period)s
                  AND (o.town_id, o.tier_code, o.tier_label, o.amount, o.kind)
                      IS NOT DISTINCT FROM (n.town_id, n.tier_code, n.tier_label, n.amount, n.kind))
            ON CONFLICT (resident_id, month) DO UPDATE SET
                town_id = EXCLUDED.town_id, tier_code = EXCLUDED.tier_code, tier_label = EXCLUDED.tier_label,
                amount = EXCLUDED.amount, kind = EXCLUDED.kind
            WHERE l.period_id = %(period)s
              AND (l.town_id, l.tier_code, l.tier_label, l.amount, l.kind) IS DISTINCT FROM
                  (EXCLUDED.town_id, EXCLUDED.tier_code, EXCLUDED.tier_label, EXCLUDED.amount, EXCLUDED.kind)
            RETURNING (xmax = 0) AS inserted, kind
        )
        SELECT count(*) FILTER (WHERE inserted AND kind = %(normal)s),
               count(*) FILTER (WHERE inserted AND kind = %(arrears)s),
               count(*) FILTER (WHERE NOT inserted)
        FROM up
        """,
        params(period=period_id),
    )
    normal, arrears, changed = cursor.fetchone()
    return {
        "lines_added": normal,
        "arrears_added": arrears,
        "lines_changed": changed,
        "lines_removed": deleted,
    }


def _overpayments(cursor, *, run_id: int, since) -> int:
    scope = "AND l.resident_id IN (SELECT resident_id FROM m_target)" if since else ""
    cursor.execute(
        f"""
        INSERT INTO {OVERPAYMENT} (line_id, resident_id, town_id, month, amount, reason, status,
            detected_at, run_id)
        SELECT l.id, l.resident_id, l.town_id, l.month, l.amount,
               CASE WHEN r.death_date IS NOT NULL AND l.month > r.death_date THEN %(deceased)s
                    ELSE %(moved_out)s END,
               %(open)s, now(), %(run)s
        FROM {LINE} l
        JOIN {PERIOD} p ON p.id = l.period_id AND p.status = %(closed)s
        JOIN {GRANT} g ON g.resident_id = l.resident_id
        JOIN {RESIDENT} r ON r.id = l.resident_id
        WHERE g.status = %(terminated)s AND l.month > g.end_month {scope}
        UNION ALL
        -- Rule 7: a closed-roll month that turns out to lie in a period away (moved out and back).
        SELECT l.id, l.resident_id, l.town_id, l.month, l.amount, %(moved_out)s, %(open)s, now(), %(run)s
        FROM {AWAY} a
        JOIN {LINE} l ON l.resident_id = a.resident_id
             AND l.month > coalesce(date_trunc('month', a.moved_out_date)::date, '-infinity'::date)
             AND l.month <= coalesce(date_trunc('month', a.moved_in_date)::date, 'infinity'::date)
        JOIN {PERIOD} p ON p.id = l.period_id AND p.status = %(closed)s
        JOIN {GRANT} g ON g.resident_id = l.resident_id
        WHERE NOT (g.status = %(terminated)s AND l.month > g.end_month) {scope}
        UNION ALL
        -- Rule 8: a month paid under the corrected number that was already paid under the
        -- previous one, when both were registered as two people before the correction arrived.
        SELECT l.id, l.resident_id, l.town_id, l.month, l.amount, %(r_correction)s, %(open)s, now(), %(run)s
        FROM {RESIDENT} n
        JOIN {RESIDENT} o ON o.id_index = n.previous_id_index AND o.id <> n.id
        JOIN {LINE} l ON l.resident_id = n.id
        JOIN {PERIOD} p ON p.id = l.period_id AND p.status = %(closed)s
        JOIN {LINE} lo ON lo.resident_id = o.id AND lo.month = l.month
        JOIN {PERIOD} po ON po.id = lo.period_id AND po.status = %(closed)s
        WHERE n.previous_id_index <> '' {scope}
        ON CONFLICT (line_id) DO NOTHING
        """,
        params(run=run_id),
    )
    return cursor.rowcount


def analyse_after(counts: dict[str, int]) -> bool:
    """Whether a run that wrote `counts` analyses the tables it wrote (`ANALYZE_AFTER_WRITES`)."""
    written = sum(counts.get(k, 0) for k in ("granted", "lines_added", "arrears_added", "lines_changed"))
    return written >= ANALYZE_AFTER_WRITES


def _totals(period_id: int) -> None:
    totals = PaymentLine.objects.filter(period_id=period_id).aggregate(n=Count("id"), total=Sum("amount"))
    PayrollPeriod.objects.filter(pk=period_id).update(
        line_count=totals["n"], total_amount=totals["total"] or Decimal("0")
    )


def run_match(
    *, as_of: dt.date, trigger: str = "command", triggered_by: Any = None, force_full: bool = False
) -> MatchOutcome:
    """Run the match for `as_of`; raises RunInProgress (after recording a skipped run) when locked.

    Called by `services.allowance_match` (command, Celery task and the /manage/ button), which
    checks the actor; `triggered_by` is the user the run row names (None for the system).
    """
    month = month_start(as_of)
    with exclusive_job(LockName.REGISTER) as taken, connection.cursor() as cursor:
        if not taken:
            run = MatchRun.objects.create(
                as_of=as_of, status=RunStatus.SKIPPED, trigger=trigger, triggered_by=triggered_by,
                finished_at=timezone.now(), message="另一次匹配正在运行",
            )  # fmt: skip
            raise RunInProgress(run)
        # Rows left "running" by a killed process: we hold the lock, so they cannot be alive.
        MatchRun.objects.filter(status=RunStatus.RUNNING).update(
            status=RunStatus.INTERRUPTED, finished_at=timezone.now()
        )
        run = MatchRun.objects.create(as_of=as_of, trigger=trigger, triggered_by=triggered_by)
        started = time.monotonic()
        try:
            counts = _run(cursor, run=run, month=month, as_of=as_of, force_full=force_full)
        except Exception as exc:
            MatchRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, finished_at=timezone.now(), message=str(exc)[:2000]
            )
            raise
        counts["seconds"] = round(time.monotonic() - started, 3)
        MatchRun.objects.filter(pk=run.pk).update(counts=counts)
        run.refresh_from_db()
        return MatchOutcome(run=run, counts=counts)


def _run(cursor, *, run: MatchRun, month: dt.date, as_of: dt.date, force_full: bool) -> dict:
    with transaction.atomic():
        # JIT compilation costs more than it saves on these short statements (measured: 1.2 s of 3.4).
        cursor.execute("SET LOCAL jit = off")
        # The run sorts tens of thousands of rows per step (DISTINCT ON, payroll diff): in memory.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cap = AllowanceConfig.current().arrears_cap_months
        baseline = _baseline(cursor)
        floor = rules.arrears_floor(month=month, baseline=baseline, cap_months=cap)
        fingerprint = _fingerprint(cursor, month=month, floor=floor, cap=cap)
        last = (
            MatchRun.objects.filter(status=RunStatus.SUCCEEDED)
            .exclude(pk=run.pk)
            .order_by("-started_at")
            .first()
        )
        incremental = bool(not force_full and last and last.fingerprint == fingerprint)
        since = (last.started_at - SINCE_MARGIN) if incremental and last else None
        min_age = _prepare_policies(cursor, month)
        _prepare_start_ages(cursor)
        examined = _build_targets(cursor, month=month, min_age=min_age, since=since)
        held = _hold_suspected_duplicates(cursor)
        counts: dict = {"granted": _new_grants(cursor, run_id=run.pk, month=month, as_of=as_of, floor=floor)}
        for kind, n in _changed_grants(cursor, run_id=run.pk, month=month, as_of=as_of).items():
            counts[kind] = counts.get(kind, 0) + n
        counts["granted"] += counts.pop("grant", 0)
        if held:
            counts["suspected_duplicates"] = held
        period_id, period_status = _ensure_period(month)
        if period_status == PeriodStatus.DRAFT:
            counts.update(_payroll(cursor, period_id=period_id, month=month, floor=floor, since=since))
            _totals(period_id)
        counts["overpayments"] = _overpayments(cursor, run_id=run.pk, since=since)
        if analyse_after(counts):
            cursor.execute(f"ANALYZE {GRANT}, {DECISION}, {LINE}")
        MatchRun.objects.filter(pk=run.pk).update(
            status=RunStatus.SUCCEEDED,
            finished_at=timezone.now(),
            mode=RunMode.INCREMENTAL if incremental else RunMode.FULL,
            fingerprint=fingerprint,
            since=since,
            examined=examined,
            counts=counts,
        )
    return counts
