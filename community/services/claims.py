"""助餐补贴申报 writes: computing the month's claims in one SQL statement, the town's review and the
district's approval, the payment roll (draft, close) and its bank file."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilities.models import Facility
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.exports import safe_cell
from hechuan_portal.common.months import month_bounds, month_start

from .. import access, selectors
from ..error_codes import ErrorCode
from ..models import ClaimRoll, ClaimStatus, MealClaim, MealClaimChange, RollStatus
from .meals import _lock_canteen, _require_canteen

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
