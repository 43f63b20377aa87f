"""Every write of the community app: meal imports (file and phone form), policies and donations,
claims and their roll, the time bank. Each service takes the acting user (`actor`, or `SYSTEM`),
checks it with `access`, writes in one transaction and records an audit event."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.db.models import F, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilities.models import Facility, FacilityKind
from hechuan_portal.accounts import roles
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common import crypto
from hechuan_portal.common.errors import CommonCode, PortalError
from hechuan_portal.common.exports import safe_cell
from hechuan_portal.common.months import month_bounds, month_start
from hechuan_portal.common.tabular import TableError, open_table
from hechuan_portal.common.uploads import store_file
from hechuan_portal.residents.models import HukouStatus, Resident
from monitoring.rules import distance_m

from . import access, rules, selectors
from .error_codes import ErrorCode
from .models import (
    CareKind,
    CarePhoto,
    CarePlan,
    CareRecord,
    ClaimRoll,
    ClaimStatus,
    Donation,
    ImportStatus,
    LedgerEntry,
    LedgerKind,
    LocationCheck,
    MealClaim,
    MealClaimChange,
    MealImport,
    MealPolicy,
    MealShare,
    RollStatus,
    ServiceRecordStatus,
    Volunteer,
    VolunteerService,
)

# Problems kept in full per import; beyond this only the count grows.
MAX_KEPT_ERRORS = 1_000
STAGE_COLUMNS = ("line", "day", "category", "way", "id_index", "count")
_NULL = "\\N"


def _require_canteen(canteen: Facility) -> None:
    if canteen.kind != FacilityKind.ELDER_CANTEEN:
        raise PortalError(ErrorCode.NOT_A_CANTEEN, field="canteen")


def _lock_canteen(canteen_id: int) -> None:
    """Serialise the writes of one canteen's meals and claims: two imports of the same day cannot
    both replace it, and a review cannot slip between an import's month check and its insert."""
    Facility.objects.select_for_update().filter(pk=canteen_id).values_list("pk", flat=True).first()


# --- policy and donations -------------------------------------------------------------------------


@transaction.atomic
def policy_create(
    *,
    actor: Any,
    name: str,
    effective_from: dt.date,
    max_meals_per_day: int,
    shares: dict[str, dict[str, Decimal]],
    note: str = "",
) -> MealPolicy:
    """A new cost-sharing policy in force from `effective_from`; `shares` maps each person category
    to its split (individual, enterprise, government, collective, donation)."""
    require(access.can_manage_policy, actor)
    policy = MealPolicy.objects.create(
        name=name, effective_from=effective_from, max_meals_per_day=max_meals_per_day, note=note
    )
    MealShare.objects.bulk_create(
        MealShare(policy=policy, category=c, **split) for c, split in shares.items()
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        obj=policy,
        changes={"effective_from": effective_from.isoformat(), "categories": sorted(shares)},
    )
    return policy


@transaction.atomic
def donation_record(
    *,
    actor: Any,
    received_on: dt.date,
    donor: str,
    amount: Decimal,
    use: str,
    town_id: str | None = None,
    canteen: Facility | None = None,
) -> Donation:
    """Record a social donation as income for meal assistance, with its donor and its use."""
    require(access.can_manage_policy, actor)
    donation = Donation.objects.create(
        received_on=received_on,
        donor=donor,
        amount=amount,
        use=use,
        town_id=town_id or (canteen.town_id if canteen else None),
        canteen=canteen,
        recorded_by=audit_user(actor),
    )
    audit_record(
        action=AuditAction.CREATE, actor=audit_user(actor), obj=donation, changes={"amount": str(amount)}
    )
    return donation


# --- meals: the daily file and the phone form -----------------------------------------------------


def _create_stage(cursor) -> None:
    # ON COMMIT DROP cleans up; the DROP covers two imports in one transaction. The blind index uses
    # the register's "C" collation so the join below can use its unique index.
    cursor.execute("DROP TABLE IF EXISTS community_meal_stage")
    cursor.execute(
        """
        CREATE TEMP TABLE community_meal_stage (
            line integer NOT NULL,
            day date NOT NULL,
            category varchar(16) NOT NULL,
            way varchar(16) NOT NULL,
            id_index varchar(32) COLLATE "C",
            count integer NOT NULL
        ) ON COMMIT DROP
        """
    )


def _stage_text(rows: Iterable[tuple[int, list[str]]], columns: dict[str, int], today: dt.date, errors: list):
    """COPY text blocks of the parsed rows; problems go to `errors`. Yields (text, rows read)."""
    cipher = crypto.BulkCipher()
    parse = rules.RowParser(columns, today=today)
    # A year's file names the same few thousand people every day: hash each number once.
    indexes: dict[str, str] = {}
    buffer: list[str] = []
    read = 0
    for line, cells in rows:
        read += 1
        parsed = parse(line, cells)
        if isinstance(parsed, list):
            if len(errors) < MAX_KEPT_ERRORS:
                errors.extend(parsed)
            continue
        number = parsed.id_number
        if number:
            index = indexes.get(number)
            if index is None:
                index = indexes[number] = cipher.blind_index(number)
        else:
            index = _NULL
        buffer.append(
            f"{line}\t{parsed.day.isoformat()}\t{parsed.category}\t{parsed.way}\t{index}\t{parsed.count}"
        )
        if len(buffer) >= 10_000:
            yield ("\n".join(buffer) + "\n").encode(), read
            buffer, read = [], 0
    yield (("\n".join(buffer) + "\n").encode() if buffer else b""), read


def _stage_problems(cursor, canteen_id: int) -> list[rules.RowError]:
    """Checks over the whole staged file, in SQL: unknown people, days without a policy, months
    already under review."""
    cursor.execute(
        f"""
        SELECT s.line, 'id_number', 'unknown_person' FROM community_meal_stage s
        WHERE s.id_index IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM residents_resident r WHERE r.id_index = s.id_index)
        UNION ALL
        SELECT s.line, 'day', 'no_policy' FROM community_meal_stage s
        WHERE NOT EXISTS (SELECT 1 FROM community_mealpolicy p WHERE p.effective_from <= s.day)
        UNION ALL
        SELECT s.line, 'day', 'month_frozen' FROM community_meal_stage s
        WHERE EXISTS (
            SELECT 1 FROM community_mealclaim c
            WHERE c.canteen_id = %s AND c.month = date_trunc('month', s.day)::date AND c.status <> 'draft'
        )
        ORDER BY 1 LIMIT {MAX_KEPT_ERRORS}
        """,
        [canteen_id],
    )
    return [rules.RowError(line, rules.COLUMN_LABELS[field], code) for line, field, code in cursor.fetchall()]


def _load(
    *,
    canteen: Facility,
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    batch: MealImport,
    today: dt.date,
    replace: bool = True,
) -> tuple[int, int, int, list[rules.RowError]]:
    """Stage, check and merge one file inside the caller's transaction: (read, meals, replaced, errors)."""
    columns, errors = rules.column_map(header)
    if errors:
        return 0, 0, 0, errors
    read = 0
    with connection.cursor() as cursor:
        _create_stage(cursor)
        with cursor.copy(f"COPY community_meal_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
            for text, n in _stage_text(rows, columns, today, errors):
                read += n
                if text:
                    copy.write(text)
        if errors:
            return read, 0, 0, errors
        # A temporary table has no statistics until analysed: without them the joins below are
        # planned for a handful of rows, whatever the file's size.
        cursor.execute("ANALYZE community_meal_stage")
        errors = _stage_problems(cursor, canteen.pk)
        if errors:
            return read, 0, 0, errors
        replaced = 0
        if replace:
            # A day's file replaces what the canteen recorded for that day: importing twice never doubles.
            cursor.execute(
                """
                DELETE FROM community_meal m
                WHERE m.canteen_id = %s AND m.day IN (SELECT DISTINCT day FROM community_meal_stage)
                """,
                [canteen.pk],
            )
            replaced = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO community_meal (canteen_id, day, category, way, resident_id, count, batch_id)
            SELECT %s, s.day, s.category, s.way, r.id, s.count, %s
            FROM community_meal_stage s LEFT JOIN residents_resident r ON r.id_index = s.id_index
            """,
            [canteen.pk, batch.pk],
        )
        meals = cursor.rowcount
    return read, meals, replaced, []


def meals_import(
    *,
    actor: Any,
    canteen: Facility,
    source: str | Path | IO[bytes],
    file_name: str,
    today: dt.date | None = None,
    request: HttpRequest | None = None,
) -> MealImport:
    """Import a canteen's meal file (CSV or XLSX): COPY into a staging table, check every row and the
    whole file, then one INSERT … SELECT. All or nothing: with any problem nothing is written and the
    returned batch (status failed) lists each problem's line, column and code. Audited (IMPORT)."""
    require(access.can_record_meals, actor, canteen)
    _require_canteen(canteen)
    today = today or timezone.localdate()
    try:
        table = open_table(source)
        header, rows = table.header, table.rows
    except TableError as exc:
        return _refused(
            actor=actor,
            canteen=canteen,
            file_name=file_name,
            read=0,
            errors=[{"line": 0, "column": "", "code": "unreadable", "text": str(exc)}],
            request=request,
        )
    return _import(
        actor=actor,
        canteen=canteen,
        header=header,
        rows=rows,
        file_name=file_name,
        today=today,
        request=request,
    )


def meal_record(
    *,
    actor: Any,
    canteen: Facility,
    day: dt.date,
    category: str,
    way: str,
    id_number: str = "",
    count: int = 1,
    today: dt.date | None = None,
    request: HttpRequest | None = None,
) -> MealImport:
    """The phone form of a small canteen: meals entered by hand go through the same checks and the same
    load as a file, one row at a time; an entry adds to the day's meals instead of replacing them."""
    require(access.can_record_meals, actor, canteen)
    _require_canteen(canteen)
    today = today or timezone.localdate()
    row = [day.isoformat(), id_number, category, way, str(count)]
    return _import(
        actor=actor,
        canteen=canteen,
        header=list(rules.COLUMNS),
        rows=[(2, row)],
        file_name=_("手机录入"),
        today=today,
        request=request,
        replace=False,
    )


def _import(*, actor, canteen, header, rows, file_name, today, request, replace: bool = True) -> MealImport:
    with transaction.atomic():
        _lock_canteen(canteen.pk)
        batch = MealImport.objects.create(
            canteen=canteen,
            file_name=file_name[:255],
            created_by=audit_user(actor),
            status=ImportStatus.SUCCEEDED,
        )
        read, meals, replaced, errors = _load(
            canteen=canteen, header=header, rows=rows, batch=batch, today=today, replace=replace
        )
        if not errors:
            batch.rows_read, batch.meals, batch.replaced = read, meals, replaced
            batch.save(update_fields=["rows_read", "meals", "replaced"])
            audit_record(
                action=AuditAction.IMPORT,
                actor=audit_user(actor),
                request=request,
                obj=batch,
                area_code=canteen.town_id,
                changes={"canteen": canteen.pk, "rows": read, "meals": meals, "replaced": replaced},
            )
            return batch
        transaction.set_rollback(True)
    return _refused(
        actor=actor,
        canteen=canteen,
        file_name=file_name,
        read=read,
        errors=[e.as_dict() for e in errors],
        request=request,
    )


@transaction.atomic
def _refused(*, actor, canteen, file_name, read, errors, request) -> MealImport:
    """Record a refused import (counts and problems only) after the load was rolled back."""
    batch = MealImport.objects.create(
        canteen=canteen,
        file_name=file_name[:255],
        created_by=audit_user(actor),
        status=ImportStatus.FAILED,
        rows_read=read,
        errors=errors[:MAX_KEPT_ERRORS],
    )
    audit_record(
        action=AuditAction.IMPORT,
        actor=audit_user(actor),
        request=request,
        obj=batch,
        area_code=canteen.town_id,
        reason=_("助餐数据导入被拒绝"),
        changes={"canteen": canteen.pk, "rows": read, "problems": len(errors)},
    )
    return batch


# --- claims ---------------------------------------------------------------------------------------

# The government part of every meal of the month under the policy in force on its day, in one statement:
# `days` maps each day of the month to its policy (the latest with effective_from ≤ day) and `rates`
# to each category's government share, so the meals are joined by equality (a hash join), not by range.
CLAIMS_SQL = """
WITH days AS (
    SELECT d::date AS day,
           (SELECT p.id FROM community_mealpolicy p WHERE p.effective_from <= d::date
            ORDER BY p.effective_from DESC LIMIT 1) AS policy_id
    FROM generate_series(%(start)s::date, %(end)s::date - 1, interval '1 day') AS d
), rates AS (
    SELECT days.day, s.category, s.government FROM days JOIN community_mealshare s ON s.policy_id = days.policy_id
), totals AS (
    SELECT m.canteen_id, SUM(m.count) AS meals, COALESCE(SUM(m.count * r.government), 0) AS amount
    FROM community_meal m
    LEFT JOIN rates r ON r.day = m.day AND r.category = m.category
    WHERE m.day >= %(start)s AND m.day < %(end)s {canteen_filter}
    GROUP BY m.canteen_id
)
INSERT INTO community_mealclaim (canteen_id, month, status, meals, government_amount, computed_at)
SELECT canteen_id, %(start)s, 'draft', meals, amount, now() FROM totals
ON CONFLICT (canteen_id, month) DO UPDATE
    SET meals = EXCLUDED.meals, government_amount = EXCLUDED.government_amount, computed_at = EXCLUDED.computed_at
    WHERE community_mealclaim.status = 'draft'
"""


@transaction.atomic
def claims_compute(*, actor: Any, month: dt.date, canteen: Facility | None = None) -> int:
    """Compute (or recompute) the draft claims of `month`, for one canteen or every canteen with meals.
    Claims past the draft stage are left as they are. Returns the number of claims written. Audited."""
    if canteen is None:
        require(access.can_compute_all_claims, actor)
    else:
        require(access.can_compute_claims, actor, canteen)
        _require_canteen(canteen)
    start, end = month_bounds(month_start(month))
    params: dict[str, Any] = {"start": start, "end": end}
    canteen_filter = ""
    if canteen is not None:
        canteen_filter = "AND m.canteen_id = %(canteen)s"
        params["canteen"] = canteen.pk
    with connection.cursor() as cursor:
        cursor.execute(CLAIMS_SQL.format(canteen_filter=canteen_filter), params)
        written = cursor.rowcount
    audit_record(
        action=AuditAction.RUN,
        actor=audit_user(actor),
        object_type="community.mealclaim",
        object_id=canteen.pk if canteen else "",
        area_code=canteen.town_id if canteen else "",
        reason=_("计算助餐补贴申报"),
        changes={"month": f"{start:%Y-%m}", "claims": written},
    )
    return written


def _move(claim: MealClaim, *, to: str, expected: tuple[str, ...], actor: Any, reason: str = "") -> MealClaim:
    _lock_canteen(claim.canteen_id)
    locked = MealClaim.objects.select_for_update().select_related("canteen").get(pk=claim.pk)
    if locked.status not in expected:
        raise PortalError(
            ErrorCode.CLAIM_WRONG_STATUS, params={"status": locked.get_status_display()}, status=409
        )
    before = locked.status
    locked.status = to
    locked.save(update_fields=["status"])
    MealClaimChange.objects.create(
        claim=locked, from_status=before, to_status=to, actor=audit_user(actor), reason=reason[:500]
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        obj=locked,
        area_code=locked.canteen.town_id,
        reason=reason,
        changes={"status": [before, to]},
    )
    return locked


@transaction.atomic
def claim_review(*, actor: Any, claim: MealClaim, reason: str = "") -> MealClaim:
    """The town's review: draft → reviewed. From then on the month's meals of the canteen are frozen."""
    require(access.can_review_claim, actor, claim)
    return _move(claim, to=ClaimStatus.REVIEWED, expected=(ClaimStatus.DRAFT,), actor=actor, reason=reason)


@transaction.atomic
def claim_return(*, actor: Any, claim: MealClaim, reason: str) -> MealClaim:
    """Send a reviewed or approved claim (not yet in a roll) back to draft, e.g. to correct meals."""
    require(access.can_review_claim, actor, claim)
    if claim.roll_id:
        raise PortalError(
            ErrorCode.CLAIM_WRONG_STATUS, params={"status": claim.get_status_display()}, status=409
        )
    return _move(
        claim,
        to=ClaimStatus.DRAFT,
        expected=(ClaimStatus.REVIEWED, ClaimStatus.APPROVED),
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def claim_approve(*, actor: Any, claim: MealClaim, reason: str = "", disabled: Any = None) -> MealClaim:
    """District approval: reviewed → approved, after the pre-approval checks. When a check lists rows
    the approval is refused unless `reason` records why they were accepted (kept in the history)."""
    require(access.can_approve_claim, actor, claim)
    findings = selectors.claim_findings(canteen=claim.canteen, month=claim.month, disabled=disabled)
    count = sum(len(rows) for rows in findings.values())
    if count and not reason.strip():
        raise PortalError(ErrorCode.CLAIM_CHECKS_FAILED, params={"count": count}, status=409)
    return _move(claim, to=ClaimStatus.APPROVED, expected=(ClaimStatus.REVIEWED,), actor=actor, reason=reason)


@transaction.atomic
def roll_draft(*, actor: Any, month: dt.date) -> ClaimRoll:
    """Put the month's approved claims into a new draft roll."""
    require(access.can_manage_roll, actor)
    month = month_start(month)
    if ClaimRoll.objects.filter(month=month).exists():
        raise PortalError(ErrorCode.ROLL_EXISTS, params={"month": f"{month:%Y-%m}"}, status=409)
    claims = MealClaim.objects.select_for_update().filter(month=month, status=ClaimStatus.APPROVED)
    if not claims.exists():
        raise PortalError(ErrorCode.ROLL_EMPTY, params={"month": f"{month:%Y-%m}"})
    roll = ClaimRoll.objects.create(month=month)
    claims.update(roll=roll)
    audit_record(
        action=AuditAction.CREATE, actor=audit_user(actor), obj=roll, changes={"month": f"{month:%Y-%m}"}
    )
    return roll


@transaction.atomic
def roll_close(*, actor: Any, month: dt.date) -> ClaimRoll:
    """Close the roll: its claims become closed and, with the roll, frozen (a database trigger refuses
    any later change). Totals are written on the roll."""
    require(access.can_manage_roll, actor)
    month = month_start(month)
    roll = ClaimRoll.objects.select_for_update().filter(month=month).first()
    if roll is None:
        raise PortalError(ErrorCode.ROLL_NOT_FOUND, params={"month": f"{month:%Y-%m}"}, status=404)
    if roll.status == RollStatus.CLOSED:
        raise PortalError(ErrorCode.ROLL_CLOSED, params={"month": f"{month:%Y-%m}"}, status=409)
    claims = list(MealClaim.objects.select_for_update().filter(roll=roll).order_by("pk"))
    for claim in claims:
        MealClaimChange.objects.create(
            claim=claim, from_status=claim.status, to_status=ClaimStatus.CLOSED, actor=audit_user(actor)
        )
    MealClaim.objects.filter(roll=roll).update(status=ClaimStatus.CLOSED)
    totals = MealClaim.objects.filter(roll=roll).aggregate(total=Sum("government_amount"))
    roll.status = RollStatus.CLOSED
    roll.closed_at = timezone.now()
    roll.closed_by = audit_user(actor)
    roll.claim_count = len(claims)
    roll.total_amount = totals["total"] or Decimal("0")
    roll.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        obj=roll,
        reason=_("关闭助餐补贴发放名册"),
        changes={"claims": roll.claim_count, "total": str(roll.total_amount)},
    )
    return roll


BANK_COLUMNS = (
    gettext_lazy("收款户名"),
    gettext_lazy("收款账号"),
    gettext_lazy("老年食堂"),
    gettext_lazy("镇街"),
    gettext_lazy("月份"),
    gettext_lazy("份数"),
    gettext_lazy("金额（元）"),
)


def roll_bank_file(*, actor: Any, month: dt.date, output: IO[str], request: HttpRequest | None = None) -> int:
    """Write the closed roll's bank file (CSV, one line per canteen) to `output`. District roles; the
    view asks for re-authentication first. Audited (EXPORT) with the row count, never the content."""
    require(access.can_manage_roll, actor)
    month = month_start(month)
    roll = ClaimRoll.objects.filter(month=month).first()
    if roll is None:
        raise PortalError(ErrorCode.ROLL_NOT_FOUND, params={"month": f"{month:%Y-%m}"}, status=404)
    if roll.status != RollStatus.CLOSED:
        raise PortalError(ErrorCode.ROLL_NOT_CLOSED, status=409)
    writer = csv.writer(output)
    writer.writerow([str(c) for c in BANK_COLUMNS])
    claims = (
        MealClaim.objects.filter(roll=roll)
        .select_related("canteen__town", "canteen__meal_profile")
        .order_by("canteen__town_id", "canteen__name")
    )
    count = 0
    for claim in claims:
        profile = getattr(claim.canteen, "meal_profile", None)
        writer.writerow(
            [
                safe_cell(profile.payee_name if profile else claim.canteen.operator_name),
                safe_cell(profile.payee_account if profile else ""),
                safe_cell(claim.canteen.name),
                safe_cell(claim.canteen.town.name),
                f"{month:%Y-%m}",
                claim.meals,
                f"{claim.government_amount:.2f}",
            ]
        )
        count += 1
    audit_record(
        action=AuditAction.EXPORT,
        actor=audit_user(actor),
        request=request,
        obj=roll,
        reason=_("导出助餐补贴银行代发文件"),
        changes={"month": f"{month:%Y-%m}", "rows": count},
    )
    return count


# --- time bank ------------------------------------------------------------------------------------


@transaction.atomic
def volunteer_register(*, actor: Any, resident: Resident) -> Volunteer:
    """Register a person of the register (normal status, in the district, within the actor's scope)."""
    require(access.can_manage_volunteers, actor)
    if resident.town_id is None or resident.status != HukouStatus.NORMAL:
        raise PortalError(ErrorCode.RESIDENT_OUTSIDE_DISTRICT, field="resident")
    if not roles.manages_town(actor, resident.town_id):
        raise PortalError(ErrorCode.RESIDENT_NOT_FOUND, field="resident", status=404)
    if Volunteer.objects.filter(resident=resident).exists():
        raise PortalError(ErrorCode.ALREADY_VOLUNTEER, field="resident", status=409)
    volunteer = Volunteer.objects.create(
        resident=resident, town_id=resident.town_id, community_id=resident.community_id
    )
    audit_record(
        action=AuditAction.CREATE, actor=audit_user(actor), obj=volunteer, area_code=resident.town_id
    )
    return volunteer


@transaction.atomic
def service_record(
    *, actor: Any, volunteer: Volunteer, recipient: Resident, day: dt.date, hours: Decimal, content: str
) -> VolunteerService:
    """Record hours of service given (pending until the recipient's community confirms)."""
    require(access.can_manage_volunteers, actor, volunteer)
    if hours <= 0:
        raise PortalError(ErrorCode.HOURS_NOT_POSITIVE, field="hours")
    if recipient.town_id is None:
        raise PortalError(ErrorCode.RESIDENT_OUTSIDE_DISTRICT, field="recipient")
    service = VolunteerService.objects.create(
        volunteer=volunteer,
        recipient=recipient,
        town_id=recipient.town_id,
        day=day,
        hours=hours,
        content=content,
    )
    audit_record(action=AuditAction.CREATE, actor=audit_user(actor), obj=service, area_code=recipient.town_id)
    return service


def _post(
    volunteer_id: int,
    *,
    kind: str,
    hours: Decimal,
    source: str,
    actor: Any,
    service: VolunteerService | None = None,
    counterpart: Volunteer | None = None,
) -> LedgerEntry:
    """Append one entry and move the running balance with it, in the caller's transaction.

    The balance moves by a conditional UPDATE (`balance + hours ≥ 0`), which takes the row lock: two
    concurrent withdrawals are serialised and the second sees the first's balance. The CHECK
    constraints on the volunteer and the entry are the database's own guarantee behind it."""
    changed = Volunteer.objects.filter(pk=volunteer_id, balance__gte=-hours).update(
        balance=F("balance") + hours
    )
    balance = Volunteer.objects.values_list("balance", flat=True).get(pk=volunteer_id)
    if not changed:
        raise PortalError(
            ErrorCode.INSUFFICIENT_HOURS, field="hours", params={"balance": balance}, status=409
        )
    return LedgerEntry.objects.create(
        volunteer_id=volunteer_id,
        kind=kind,
        hours=hours,
        balance_after=balance,
        service=service,
        counterpart=counterpart,
        source=source[:255],
        actor=audit_user(actor),
    )


@transaction.atomic
def service_confirm(*, actor: Any, service: VolunteerService) -> LedgerEntry:
    """The recipient's community confirms a service record: its hours are earned (once)."""
    require(access.can_confirm_service, actor, service)
    locked = VolunteerService.objects.select_for_update().get(pk=service.pk)
    if locked.status != ServiceRecordStatus.PENDING:
        raise PortalError(ErrorCode.SERVICE_NOT_PENDING, status=409)
    locked.status = ServiceRecordStatus.CONFIRMED
    locked.confirmed_by = audit_user(actor)
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    entry = _post(
        locked.volunteer_id,
        kind=LedgerKind.EARN,
        hours=locked.hours,
        service=locked,
        actor=actor,
        source=_("服务记录 %(id)s（%(day)s）") % {"id": locked.pk, "day": locked.day.isoformat()},
    )
    audit_record(action=AuditAction.CREATE, actor=audit_user(actor), obj=entry, area_code=locked.town_id)
    return entry


@transaction.atomic
def hours_redeem(*, actor: Any, volunteer: Volunteer, hours: Decimal, source: str) -> LedgerEntry:
    """Redeem hours for services (`source` says which); refused when the balance does not cover it."""
    require(access.can_manage_volunteers, actor, volunteer)
    if hours <= 0:
        raise PortalError(ErrorCode.HOURS_NOT_POSITIVE, field="hours")
    entry = _post(volunteer.pk, kind=LedgerKind.REDEEM, hours=-hours, source=source, actor=actor)
    audit_record(action=AuditAction.CREATE, actor=audit_user(actor), obj=entry, area_code=volunteer.town_id)
    return entry


@transaction.atomic
def hours_transfer(
    *, actor: Any, volunteer: Volunteer, to: Volunteer, hours: Decimal, source: str
) -> LedgerEntry:
    """Transfer hours to a family member (same household address in the register, the policy's
    reading of 家庭成员 until the district confirms it). Both volunteers' rows are moved in pk order so
    two opposite transfers cannot deadlock."""
    require(access.can_manage_volunteers, actor, volunteer)
    if hours <= 0:
        raise PortalError(ErrorCode.HOURS_NOT_POSITIVE, field="hours")
    giver, taker = volunteer.resident, to.resident
    if to.pk == volunteer.pk or not giver.address or giver.address != taker.address:
        raise PortalError(ErrorCode.TRANSFER_NOT_FAMILY, field="to")
    list(Volunteer.objects.select_for_update().filter(pk__in=[volunteer.pk, to.pk]).order_by("pk"))
    out = _post(
        volunteer.pk, kind=LedgerKind.TRANSFER_OUT, hours=-hours, source=source, actor=actor, counterpart=to
    )
    _post(to.pk, kind=LedgerKind.TRANSFER_IN, hours=hours, source=source, actor=actor, counterpart=volunteer)
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        obj=out,
        area_code=volunteer.town_id,
        changes={"to": to.pk, "hours": str(hours)},
    )
    return out


@transaction.atomic
def hours_expire(*, actor: Any, volunteer: Volunteer, hours: Decimal, source: str) -> LedgerEntry:
    """Expire hours as the policy says (the job passes `SYSTEM`); never more than the balance."""
    require(access.can_manage_volunteers, actor, volunteer)
    if hours <= 0:
        raise PortalError(ErrorCode.HOURS_NOT_POSITIVE, field="hours")
    entry = _post(volunteer.pk, kind=LedgerKind.EXPIRE, hours=-hours, source=source, actor=actor)
    audit_record(action=AuditAction.CREATE, actor=audit_user(actor), obj=entry, area_code=volunteer.town_id)
    return entry


# --- bathing and cleaning -------------------------------------------------------------------------

MAX_PHOTO_BYTES = 8 * 1024 * 1024


def _require_needs_care(resident: Resident, disabled: Any) -> str:
    """The elder's town, after checking they are an elder in difficulty living in the district."""
    is_disabled = (
        (disabled if disabled is not None else selectors.disabled_residents()).filter(pk=resident.pk).exists()
    )
    if (
        resident.town_id is None
        or resident.status != HukouStatus.NORMAL
        or not rules.needs_care(
            dibao=resident.dibao,
            tekun=resident.tekun,
            special_family=resident.special_family,
            disabled=is_disabled,
        )
    ):
        raise PortalError(ErrorCode.NOT_ELIGIBLE_FOR_CARE, field="resident")
    return resident.town_id


@transaction.atomic
def care_plan_set(
    *, actor: Any, resident: Resident, month: dt.date, service: str, visits: int, disabled: Any = None
) -> CarePlan:
    """Set (or change) how many visits of `service` an elder in difficulty is to have in `month`."""
    require(access.can_plan_care, actor, resident.town_id)
    town_id = _require_needs_care(resident, disabled)
    plan, _created = CarePlan.objects.update_or_create(
        resident=resident,
        month=month_start(month),
        service=service,
        defaults={"visits": visits, "town_id": town_id},
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        obj=plan,
        area_code=town_id,
        changes={"month": f"{plan.month:%Y-%m}", "service": service, "visits": visits},
    )
    return plan


@transaction.atomic
def care_record_create(
    *,
    actor: Any,
    resident: Resident,
    kind: str,
    provider: Facility,
    photo: Any,
    lng: float | None = None,
    lat: float | None = None,
    accuracy_m: float | None = None,
    location_note: str = "",
    performed_at: dt.datetime | None = None,
    disabled: Any = None,
    request: HttpRequest | None = None,
) -> CareRecord:
    """Record a bathing or cleaning visit from the provider's phone: the elder must be in difficulty,
    the photo is required, and the phone's position is checked against the bathing point (bathing at
    a point) or the elder's community (home visits); too far is accepted only with an explanation.
    The actor is a person (the stored photo names its uploader), never `SYSTEM`."""
    require(access.can_record_care, actor, provider)
    if audit_user(actor) is None:
        raise PortalError(CommonCode.NOT_ALLOWED, status=403)  # a visit is recorded by a person
    town_id = _require_needs_care(resident, disabled)
    if kind == CareKind.BATH_POINT and provider.kind != FacilityKind.BATHING_POINT:
        raise PortalError(ErrorCode.NOT_A_BATHING_POINT, field="provider")
    if photo is None:
        raise PortalError(ErrorCode.PHOTO_REQUIRED, field="photo")
    at_home = kind != CareKind.BATH_POINT
    community = resident.community
    reference = provider.location if not at_home else (community.centroid if community is not None else None)
    distance = None
    if lng is not None and lat is not None and reference is not None:
        distance = distance_m(lng, lat, reference.x, reference.y)
    check = rules.location_check(distance, at_home=at_home)
    note = location_note.strip()[:255]
    if check == LocationCheck.TOO_FAR and not note:
        raise PortalError(
            ErrorCode.LOCATION_NOTE_REQUIRED, field="location_note", params={"distance": round(distance or 0)}
        )
    stored = store_file(photo, folder="community", max_bytes=MAX_PHOTO_BYTES)
    recorder = audit_user(actor)
    record = CareRecord.objects.create(
        resident=resident,
        town_id=town_id,
        kind=kind,
        provider=provider,
        performed_at=performed_at or timezone.now(),
        recorded_by=recorder,
        device_location=Point(lng, lat, srid=4326) if lng is not None and lat is not None else None,
        location_accuracy_m=round(accuracy_m) if accuracy_m is not None else None,
        distance_m=round(distance) if distance is not None else None,
        location_check=check,
        location_note=note,
    )
    CarePhoto.objects.create(record=record, **stored.fields(recorder))
    audit_record(
        action=AuditAction.CREATE,
        actor=recorder,
        request=request,
        obj=record,
        area_code=town_id,
        changes={"kind": kind, "location_check": check},
    )
    return record


@transaction.atomic
def care_callback(*, actor: Any, record: CareRecord, satisfaction: int, note: str = "") -> CareRecord:
    """The community's short satisfaction callback after a visit (1–5, with a note)."""
    require(access.can_plan_care, actor, record.town_id)
    if not 1 <= satisfaction <= 5:
        raise PortalError(ErrorCode.SATISFACTION_RANGE, field="satisfaction")
    record.satisfaction = satisfaction
    record.callback_note = note.strip()[:255]
    record.callback_at = timezone.now()
    record.callback_by = audit_user(actor)
    record.save(update_fields=["satisfaction", "callback_note", "callback_at", "callback_by"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        obj=record,
        area_code=record.town_id,
        changes={"satisfaction": satisfaction},
    )
    return record
