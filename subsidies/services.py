"""Every write of the allowance app, and the two audited exports (payroll, overpayments).

`payroll_export` and `overpayments_export` are the only ways those files are produced (command and
page alike), so re-authentication can later wrap exactly these two functions.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction, Role
from hechuan_portal.accounts.scope import is_district
from hechuan_portal.common import crypto
from hechuan_portal.common.exports import safe_cell
from hechuan_portal.residents.models import Resident

from . import matching, rules
from .models import (
    AllowanceDecision,
    AllowanceGrant,
    DecisionKind,
    GrantStatus,
    LineKind,
    Overpayment,
    OverpaymentStatus,
    PaymentLine,
    PayrollPeriod,
    PeriodStatus,
    ReviewStatus,
)

# The bank's file contract (issue 4): these exact headers and 类型 values in every language.
PAYROLL_COLUMNS = ("身份证号", "姓名", "户籍地区划代码", "月份", "档次", "金额", "类型")
PAYROLL_KINDS = {LineKind.NORMAL: "正常", LineKind.ARREARS: "补发"}


def can_manage(user) -> bool:
    """District administrators run the match, close rolls, edit the policy and decide reviews."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == Role.DISTRICT_ADMIN)
    )


def allowance_match(
    *, as_of: dt.date, trigger: str, user=None, request: HttpRequest | None = None, force_full: bool = False
):
    """Run the nightly match (see `matching.run_match`) and record a RUN audit event.

    Raises `matching.RunInProgress` when another run holds the lock.
    """
    outcome = matching.run_match(as_of=as_of, trigger=trigger, user=user, force_full=force_full)
    audit_record(
        action=AuditAction.RUN,
        actor=user,
        request=request,
        obj=outcome.run,
        reason=_("高龄津贴匹配"),
        changes={k: v for k, v in outcome.counts.items() if k != "seconds"},
    )
    return outcome


def parse_period(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationError(_("月份格式应为 YYYY-MM"), code="period_format") from None


@transaction.atomic
def payroll_close(*, month: dt.date, user=None, request: HttpRequest | None = None) -> PayrollPeriod:
    """Freeze the roll of `month`. The first roll closed becomes the arrears baseline (§6.4)."""
    if user is not None and not can_manage(user):
        raise PermissionDenied
    # Wait for a running match so a roll never closes half-regenerated.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [matching.LOCK_KEY])
    period = PayrollPeriod.objects.select_for_update().filter(month=month).first()
    if period is None:
        raise ValidationError(
            _("%(month)s 的发放名册不存在，请先运行匹配") % {"month": f"{month:%Y-%m}"}, code="no_period"
        )
    if period.status == PeriodStatus.CLOSED:
        raise ValidationError(_("%(month)s 的发放名册已关闭") % {"month": f"{month:%Y-%m}"}, code="closed")
    totals = period.lines.aggregate(total=Sum("amount"))
    period.status = PeriodStatus.CLOSED
    period.closed_at = timezone.now()
    period.closed_by = user if user and user.is_authenticated else None
    period.line_count = period.lines.count()
    period.total_amount = totals["total"] or Decimal("0")
    period.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=user,
        request=request,
        obj=period,
        reason=_("关闭发放名册"),
        changes={"month": f"{month:%Y-%m}", "lines": period.line_count, "total": str(period.total_amount)},
    )
    return period


def _writer(path: Path):
    """(write_row, close) for a CSV (UTF-8 with BOM, opens in Excel/WPS) or an XLSX, by extension."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        return sheet.append, lambda: book.save(path)
    fh = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed by the returned closer)
    writer = csv.writer(fh)
    return writer.writerow, fh.close


def _require_district(user) -> None:
    if user is not None and not is_district(user):
        raise PermissionDenied(_("仅区级角色可以导出"))


def payroll_export(
    *, month: dt.date, output: str | Path, user=None, request: HttpRequest | None = None
) -> int:
    """Write the bank file of the roll: one line per person and month paid, full ID numbers.

    Columns 身份证号, 姓名, 户籍地区划代码, 月份, 档次, 金额 (two decimals), 类型 (正常/补发).
    District roles only; audited (EXPORT) with the row count, never the content.
    """
    _require_district(user)
    period = PayrollPeriod.objects.filter(month=month).first()
    if period is None:
        raise ValidationError(_("%(month)s 的发放名册不存在") % {"month": f"{month:%Y-%m}"}, code="no_period")
    path = Path(output)
    write, close = _writer(path)
    count = 0
    try:
        write(list(PAYROLL_COLUMNS))
        lines = (
            PaymentLine.objects.filter(period=period)
            .select_related("resident")
            .order_by("town_id", "resident_id", "month")
            .only(
                "month",
                "tier_label",
                "amount",
                "kind",
                "resident__id_cipher",
                "resident__name",
                "resident__hukou_code",
            )
        )
        for line in lines.iterator(chunk_size=5000):
            write(
                [
                    crypto.decrypt(line.resident.id_cipher),
                    safe_cell(line.resident.name),
                    line.resident.hukou_code,
                    f"{line.month:%Y-%m}",
                    safe_cell(line.tier_label),
                    f"{line.amount:.2f}",
                    PAYROLL_KINDS[line.kind],
                ]
            )
            count += 1
    finally:
        close()
    audit_record(
        action=AuditAction.EXPORT,
        actor=user,
        request=request,
        obj=period,
        reason=_("导出发放名册（银行代发）"),
        changes={"month": f"{month:%Y-%m}", "rows": count, "format": path.suffix.lstrip(".").lower()},
    )
    return count


def overpayments_export(*, output: str | Path, user=None, request: HttpRequest | None = None) -> int:
    """Write every overpayment to recover (masked ID numbers: this list goes to the towns)."""
    _require_district(user)
    path = Path(output)
    write, close = _writer(path)
    reasons = {"deceased": _("死亡后发放"), "moved_out": _("迁出后发放")}
    statuses = dict(OverpaymentStatus.choices)
    count = 0
    try:
        write([_("身份证号"), _("姓名"), _("镇街"), _("月份"), _("金额"), _("原因"), _("状态")])
        rows = Overpayment.objects.select_related("resident", "town").order_by(
            "town_id", "resident_id", "month"
        )
        for o in rows.iterator(chunk_size=5000):
            write(
                [
                    o.resident.id_masked,
                    safe_cell(o.resident.name),
                    o.town.name if o.town else "",
                    f"{o.month:%Y-%m}",
                    f"{o.amount:.2f}",
                    str(reasons.get(o.reason, o.reason)),
                    str(statuses[o.status]),
                ]
            )
            count += 1
    finally:
        close()
    audit_record(
        action=AuditAction.EXPORT,
        actor=user,
        request=request,
        object_type="subsidies.overpayment",
        reason=_("导出多发待追回清单"),
        changes={"rows": count},
    )
    return count


def _grant_for(resident: Resident) -> AllowanceGrant:
    grant, _created = AllowanceGrant.objects.select_for_update().get_or_create(resident=resident)
    return grant


@transaction.atomic
def grant_request_review(
    *, resident: Resident, note: str, user, request: HttpRequest | None = None
) -> AllowanceGrant:
    """A person asks for a manual review: the case joins the queue (the job keeps deciding meanwhile)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("请填写复核申请的理由"), code="note_required")
    grant = _grant_for(resident)
    grant.review_status = ReviewStatus.REQUESTED
    grant.review_note = note
    grant.review_requested_at = timezone.now()
    grant.save()
    AllowanceDecision.objects.create(
        grant=grant, resident=resident, kind=DecisionKind.REVIEW_REQUESTED, old_status=grant.status,
        new_status=grant.status, decided_by=user, note=note, as_of=timezone.localdate(),
    )  # fmt: skip
    audit_record(
        action=AuditAction.UPDATE,
        actor=user,
        request=request,
        obj=grant,
        area_code=resident.town_id or "",
        reason=_("申请人工复核"),
    )
    return grant


@transaction.atomic
def grant_decide_manually(
    *,
    resident: Resident,
    status: str,
    tier_code: str,
    tier_label: str,
    monthly_amount: Decimal | None,
    start_month: dt.date | None,
    end_month: dt.date | None,
    note: str,
    user,
    request: HttpRequest | None = None,
) -> AllowanceGrant:
    """A staff decision; from now on the job never changes this grant (until returned to automatic)."""
    if not can_manage(user):
        raise PermissionDenied
    if not (note or "").strip():
        raise ValidationError(_("请填写人工决定的理由"), code="note_required")
    if status == GrantStatus.ACTIVE and (monthly_amount is None or start_month is None):
        raise ValidationError(_("享受中须填写金额和起始月份"), code="amount_required")
    if status == GrantStatus.TERMINATED and end_month is None:
        raise ValidationError(_("终止须填写截止月份"), code="end_required")
    grant = _grant_for(resident)
    old = grant.status
    grant.status = status
    grant.tier_code, grant.tier_label = tier_code, tier_label
    grant.monthly_amount = monthly_amount
    grant.start_month = rules.month_start(start_month) if start_month else None
    grant.end_month = rules.month_start(end_month) if end_month else None
    grant.rule = "manual"
    grant.manual = True
    grant.review_status = ReviewStatus.DECIDED if grant.review_status else ""
    grant.save()
    AllowanceDecision.objects.create(
        grant=grant, resident=resident, kind=DecisionKind.MANUAL, rule="manual", old_status=old,
        new_status=status, decided_by=user, note=note.strip(), as_of=timezone.localdate(),
        data={"tier": tier_code, "amount": str(monthly_amount) if monthly_amount is not None else None,
              "start_month": str(grant.start_month or ""), "end_month": str(grant.end_month or "")},
    )  # fmt: skip
    audit_record(
        action=AuditAction.UPDATE,
        actor=user,
        request=request,
        obj=grant,
        area_code=resident.town_id or "",
        reason=_("人工决定"),
    )
    return grant


@transaction.atomic
def grant_return_to_automatic(
    *, resident: Resident, note: str, user, request: HttpRequest | None = None
) -> AllowanceGrant:
    """Hand the case back to the job; the next run (even incremental) re-decides it."""
    if not can_manage(user):
        raise PermissionDenied
    grant = _grant_for(resident)
    grant.manual = False
    grant.save()  # updated_at moves: the next incremental run examines this person
    AllowanceDecision.objects.create(
        grant=grant, resident=resident, kind=DecisionKind.AUTOMATIC, old_status=grant.status,
        new_status=grant.status, decided_by=user, note=(note or "").strip(), as_of=timezone.localdate(),
    )  # fmt: skip
    audit_record(
        action=AuditAction.UPDATE,
        actor=user,
        request=request,
        obj=grant,
        area_code=resident.town_id or "",
        reason=_("恢复自动匹配"),
    )
    return grant


@transaction.atomic
def overpayment_set_status(
    *, overpayment: Overpayment, status: str, user, request: HttpRequest | None = None
) -> Overpayment:
    overpayment.status = status
    overpayment.save(update_fields=["status"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=user,
        request=request,
        obj=overpayment,
        area_code=overpayment.town_id or "",
        reason=_("更新追回状态"),
    )
    return overpayment
