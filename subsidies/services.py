"""Every write of the allowance app, and the two audited exports (payroll, overpayments).

`payroll_export` and `overpayments_export` are the only ways those files are produced (command and
page alike), so re-authentication can later wrap exactly these two functions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import Sum
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common import crypto
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.exports import BOLD, XlsxBook, local_time, safe_cell
from hechuan_portal.common.locks import LockName, lock_for_transaction
from hechuan_portal.common.months import month_start, parse_month
from hechuan_portal.residents.models import Resident

from . import access, matching
from .error_codes import ErrorCode
from .models import (
    AllowanceConfig,
    AllowanceDecision,
    AllowanceGrant,
    AllowancePolicy,
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
PAYROLL_KINDS: dict[str, str] = {LineKind.NORMAL: "正常", LineKind.ARREARS: "补发"}


def allowance_match(
    *,
    actor: Any,
    as_of: dt.date,
    trigger: str,
    request: HttpRequest | None = None,
    force_full: bool = False,
) -> matching.MatchOutcome:
    """Run the nightly match (see `matching.run_match`) and record a RUN audit event.

    Raises `matching.RunInProgress` (409 `run_in_progress`) when another run holds the lock.
    """
    require(access.can_run_match, actor)
    outcome = matching.run_match(
        as_of=as_of, trigger=trigger, triggered_by=audit_user(actor), force_full=force_full
    )
    audit_record(
        action=AuditAction.RUN,
        actor=audit_user(actor),
        request=request,
        obj=outcome.run,
        reason=_("高龄津贴匹配"),
        changes={k: v for k, v in outcome.counts.items() if k != "seconds"},
    )
    return outcome


@transaction.atomic
def towns_follow_register(*, actor: Any) -> int:
    """Move the town copied onto grants and decisions (`AllowanceGrant.town`, set by a trigger on
    insert) for the people a household import moved: one set-based UPDATE per table, rows whose
    town differs only. Called as SYSTEM after every import (`residents.signals.register_imported`);
    returns the number of grants moved. A derived column: no audit row (the import has its own)."""
    require(access.can_run_match, actor)
    moved = 0
    for model in (AllowanceGrant, AllowanceDecision):
        table, register = model._meta.db_table, Resident._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} x SET town_id = r.town_id FROM {register} r "
                "WHERE r.id = x.resident_id AND x.town_id IS DISTINCT FROM r.town_id"
            )
            moved = moved or cursor.rowcount
    return moved


def allowance_match_later(*, actor: Any, as_of: dt.date) -> None:
    """Queue a match of `as_of` (the /manage/ button) once the current transaction commits."""
    require(access.can_run_match, actor)
    from .tasks import match_allowances_task  # tasks import this module

    user_id = audit_user(actor).pk if audit_user(actor) is not None else None
    transaction.on_commit(
        lambda: match_allowances_task.delay(as_of=as_of.isoformat(), user_id=user_id, trigger="manage")
    )


@transaction.atomic
def allowance_policy_save(
    *, actor: Any, form: ModelForm, tiers: BaseInlineFormSet, request: HttpRequest | None = None
) -> AllowancePolicy:
    """Save a policy and its tiers from their validated forms, and record the audit event.

    `updated_at` moves, so the next match sees a new fingerprint and runs in full under the new
    policy; closed rolls are never touched.
    """
    require(access.can_edit_policy, actor)
    created = form.instance.pk is None
    policy = form.save()
    tiers.instance = policy
    tiers.save()
    policy.save()
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=audit_user(actor),
        request=request,
        obj=policy,
        reason=_("编辑津贴政策"),
    )
    return policy


@transaction.atomic
def arrears_cap_set(*, actor: Any, months: int, request: HttpRequest | None = None) -> AllowanceConfig:
    """Set how many months back arrears may reach (STANDARDS §6.4); audited with old and new values."""
    require(access.can_edit_policy, actor)
    config = AllowanceConfig.objects.select_for_update().filter(pk=1).first() or AllowanceConfig.current()
    old = config.arrears_cap_months
    config.arrears_cap_months = months
    config.full_clean()
    config.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        request=request,
        obj=config,
        reason=_("修改补发上限"),
        changes={"arrears_cap_months": [old, months]},
    )
    return config


def parse_period(text: str) -> dt.date:
    """'YYYY-MM' → the month's first day; refused with `period_format`."""
    month = parse_month(text)
    if month is None:
        raise PortalError(ErrorCode.PERIOD_FORMAT, field="month")
    return month


def _freeze_lines(period: PayrollPeriod) -> None:
    """Rule 10: copy what the bank file shows of each person onto the roll's lines, in one UPDATE."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {PaymentLine._meta.db_table} l
            SET id_cipher = r.id_cipher, name = r.name, hukou_code = r.hukou_code
            FROM {Resident._meta.db_table} r
            WHERE l.period_id = %s AND r.id = l.resident_id
            """,
            [period.pk],
        )


@transaction.atomic
def payroll_close(*, actor: Any, month: dt.date, request: HttpRequest | None = None) -> PayrollPeriod:
    """Freeze the roll of `month`. The first roll closed becomes the arrears baseline (§6.4)."""
    require(access.can_close_payroll, actor)
    # Wait for a running match (or import) so a roll never closes half-regenerated.
    lock_for_transaction(LockName.REGISTER)
    period = PayrollPeriod.objects.select_for_update().filter(month=month).first()
    label = {"month": f"{month:%Y-%m}"}
    if period is None:
        raise PortalError(ErrorCode.NO_PERIOD, field="month", params=label)
    if period.status == PeriodStatus.CLOSED:
        raise PortalError(ErrorCode.CLOSED, field="month", params=label)
    _freeze_lines(period)
    totals = period.lines.aggregate(total=Sum("amount"))
    period.status = PeriodStatus.CLOSED
    period.closed_at = timezone.now()
    period.closed_by = audit_user(actor)
    period.line_count = period.lines.count()
    period.total_amount = totals["total"] or Decimal("0")
    period.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        request=request,
        obj=period,
        reason=_("关闭发放名册"),
        changes={"month": f"{month:%Y-%m}", "lines": period.line_count, "total": str(period.total_amount)},
    )
    return period


def _csv_text(output: IO[bytes] | Path) -> tuple[Any, Callable[[], Any]]:
    """A text stream over `output` for csv.writer, UTF-8 with BOM, and its closer."""
    if isinstance(output, Path):
        fh = open(output, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed by the closer)
        return fh, fh.close
    text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="")

    def close() -> None:
        text.flush()
        text.detach()  # the caller's buffer stays open

    return text, close


def _require_export(actor: Any) -> None:
    if not access.can_export(actor):
        raise PortalError(ErrorCode.EXPORT_NOT_ALLOWED, status=403)


def export_format(output: str | Path | IO[bytes], fmt: str | None) -> str:
    """'xlsx' (the default: for people) or 'csv' (for the bank's systems)."""
    if fmt is None and isinstance(output, str | Path):
        fmt = Path(output).suffix.lstrip(".").lower()
    return "csv" if fmt == "csv" else "xlsx"


def payroll_export(
    *,
    actor: Any,
    month: dt.date,
    output: str | Path | IO[bytes],
    fmt: str | None = None,
    request: HttpRequest | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write the bank file of the roll: one line per person and month paid, full ID numbers.

    Columns 身份证号, 姓名, 户籍地区划代码, 月份, 档次, 金额, 类型 (正常/补发), in every language.
    - XLSX (the default, for people): the roll's period and status in a title row, the ID and area
      columns stored as text, amounts as numbers with two decimals, a total row.
    - CSV (for the bank's systems, not for opening in a spreadsheet): UTF-8 with BOM, amounts as
      `50.00`, no title or total row.
    `output` is a path (the command) or a binary file object (the page's background job builds it in
    memory: no file with full ID numbers is ever written to disk). District roles only; audited
    (EXPORT) with the row count, never the content. `on_progress(rows)` is called after each line
    (the job's page shows it).
    """
    _require_export(actor)
    period = PayrollPeriod.objects.filter(month=month).first()
    if period is None:
        raise PortalError(ErrorCode.NO_PERIOD, field="month", params={"month": f"{month:%Y-%m}"})
    fmt = export_format(output, fmt)
    target: IO[bytes] | Path = Path(output) if isinstance(output, str | Path) else output
    lines = _frozen_lines(period) if period.status == PeriodStatus.CLOSED else _draft_lines(period)
    stamp = period.closed_at if period.status == PeriodStatus.CLOSED else None
    if on_progress is not None:
        lines = _reporting(lines, on_progress)
    if fmt == "csv":
        count = _write_bank_csv(lines, target)
    else:
        count = _write_bank_xlsx(period, lines, target, stamp=stamp)
    audit_record(
        action=AuditAction.EXPORT,
        actor=audit_user(actor),
        request=request,
        obj=period,
        reason=_("导出发放名册（银行代发）"),
        changes={"month": f"{month:%Y-%m}", "rows": count, "format": fmt},
    )
    return count


BankLine = tuple[str, str, str, str, str, Decimal, str]


def _reporting(lines: Iterable[BankLine], on_progress: Callable[[int], None]) -> Iterator[BankLine]:
    for count, line in enumerate(lines, start=1):
        yield line
        on_progress(count)


def _frozen_lines(period: PayrollPeriod) -> Iterator[BankLine]:
    """A closed roll from its own lines only (rule 10): the same file at every export."""
    lines = (
        PaymentLine.objects.filter(period=period)
        .order_by("town_id", "resident_id", "month")
        .only("month", "tier_label", "amount", "kind", "id_cipher", "name", "hukou_code")
    )
    for line in lines.iterator(chunk_size=5000):
        number = crypto.decrypt(bytes(line.id_cipher)) if line.id_cipher is not None else ""
        yield (
            number,
            line.name,
            line.hukou_code,
            f"{line.month:%Y-%m}",
            line.tier_label,
            line.amount,
            PAYROLL_KINDS[line.kind],
        )


def _draft_lines(period: PayrollPeriod) -> Iterator[BankLine]:
    """A draft roll: the people as the register has them today."""
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
        yield (
            crypto.decrypt(line.resident.id_cipher),
            line.resident.name,
            line.resident.hukou_code,
            f"{line.month:%Y-%m}",
            line.tier_label,
            line.amount,
            PAYROLL_KINDS[line.kind],
        )


def _write_bank_csv(lines: Iterable[BankLine], output: IO[bytes] | Path) -> int:
    text, close = _csv_text(output)
    count = 0
    try:
        writer = csv.writer(text)
        writer.writerow(PAYROLL_COLUMNS)
        for number, name, area, month, tier, amount, kind in lines:
            writer.writerow([number, safe_cell(name), area, month, safe_cell(tier), f"{amount:.2f}", kind])
            count += 1
    finally:
        close()
    return count


def _write_bank_xlsx(
    period: PayrollPeriod, lines: Iterable[BankLine], output: IO[bytes] | Path, *, stamp: dt.datetime | None
) -> int:
    status = str(PeriodStatus(period.status).label)
    title = _("合川区高龄津贴发放名册 %(month)s（%(status)s）") % {
        "month": f"{period.month:%Y-%m}",
        "status": status,
    }
    if period.closed_at:
        title += " " + _("关闭于 %(time)s") % {"time": local_time(period.closed_at)}
    else:
        title += " " + _("草稿按当前户籍数据生成，关闭前仍可能变化")
    count, total = 0, Decimal("0.00")
    with (
        XlsxBook(output, stamp=stamp) as book,
        book.sheet(
            _("发放名册 %(month)s") % {"month": f"{period.month:%Y-%m}"},
            widths=(22, 10, 16, 10, 14, 12, 8),
            text_columns=(0, 2, 3),
            freeze_rows=2,
        ) as sheet,
    ):
        sheet.title(title, width=len(PAYROLL_COLUMNS))
        sheet.row(PAYROLL_COLUMNS, style=BOLD)
        for line in lines:
            sheet.row(line)
            count += 1
            total += line[5]
        sheet.row([_("合计"), _("%(count)d 行") % {"count": count}, "", "", "", total, ""], style=BOLD)
    return count


def overpayments_export(
    *,
    actor: Any,
    output: str | Path | IO[bytes],
    fmt: str | None = None,
    request: HttpRequest | None = None,
) -> int:
    """Write every overpayment to recover (masked ID numbers: this list goes to the towns), as CSV
    (UTF-8 with BOM) or XLSX (amounts as money). District roles only; audited (EXPORT) with the
    row count."""
    _require_export(actor)
    if fmt is None and isinstance(output, str | Path):
        fmt = Path(output).suffix.lstrip(".").lower()
    target: IO[bytes] | Path = Path(output) if isinstance(output, str | Path) else output
    reasons = {
        "deceased": _("死亡后发放"),
        "moved_out": _("迁出后发放"),
        "id_correction": _("身份证号更正前后重复发放"),
    }
    statuses = dict(OverpaymentStatus.choices)
    header = [_("身份证号"), _("姓名"), _("镇街"), _("月份"), _("金额"), _("原因"), _("状态")]
    rows = (
        [
            o.resident.id_masked,
            o.resident.name,
            o.town.name if o.town else "",
            f"{o.month:%Y-%m}",
            o.amount,
            str(reasons.get(o.reason, o.reason)),
            str(statuses[o.status]),
        ]
        for o in Overpayment.objects.select_related("resident", "town")
        .order_by("town_id", "resident_id", "month")
        .iterator(chunk_size=5000)
    )
    count = 0
    if fmt == "xlsx":
        with (
            XlsxBook(target) as book,
            book.sheet(_("多发待追回"), widths=(22, 10, 14, 10, 12, 24, 10), freeze_rows=1) as sheet,
        ):
            sheet.row(header, style=BOLD)
            for row in rows:
                sheet.row(row)
                count += 1
    else:
        text, close = _csv_text(target)
        try:
            writer = csv.writer(text)
            writer.writerow(header)
            for row in rows:
                writer.writerow([safe_cell(v) if isinstance(v, str) else f"{v:.2f}" for v in row])
                count += 1
        finally:
            close()
    audit_record(
        action=AuditAction.EXPORT,
        actor=audit_user(actor),
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
    *, actor: Any, resident: Resident, note: str, request: HttpRequest | None = None
) -> AllowanceGrant:
    """A person asks for a manual review: the case joins the queue (the job keeps deciding meanwhile)."""
    require(access.can_request_review, actor, resident)
    note = (note or "").strip()
    if not note:
        raise PortalError(ErrorCode.NOTE_REQUIRED, field="note")
    grant = _grant_for(resident)
    grant.review_status = ReviewStatus.REQUESTED
    grant.review_note = note
    grant.review_requested_at = timezone.now()
    grant.save()
    AllowanceDecision.objects.create(
        grant=grant, resident=resident, kind=DecisionKind.REVIEW_REQUESTED, old_status=grant.status,
        new_status=grant.status, decided_by=audit_user(actor), note=note, as_of=timezone.localdate(),
    )  # fmt: skip
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
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
    actor: Any,
    request: HttpRequest | None = None,
) -> AllowanceGrant:
    """A staff decision; from now on the job never changes this grant (until returned to automatic)."""
    require(access.can_decide, actor, resident)
    if not (note or "").strip():
        raise PortalError(ErrorCode.NOTE_REQUIRED, field="note")
    if status == GrantStatus.ACTIVE and (monthly_amount is None or start_month is None):
        raise PortalError(ErrorCode.AMOUNT_REQUIRED, field="monthly_amount")
    if status == GrantStatus.TERMINATED and end_month is None:
        raise PortalError(ErrorCode.END_REQUIRED, field="end_month")
    grant = _grant_for(resident)
    old = grant.status
    grant.status = status
    grant.tier_code, grant.tier_label = tier_code, tier_label
    grant.monthly_amount = monthly_amount
    grant.start_month = month_start(start_month) if start_month else None
    grant.end_month = month_start(end_month) if end_month else None
    grant.rule = "manual"
    grant.manual = True
    grant.review_status = ReviewStatus.DECIDED if grant.review_status else ""
    grant.save()
    AllowanceDecision.objects.create(
        grant=grant, resident=resident, kind=DecisionKind.MANUAL, rule="manual", old_status=old,
        new_status=status, decided_by=audit_user(actor), note=note.strip(), as_of=timezone.localdate(),
        data={"tier": tier_code, "amount": str(monthly_amount) if monthly_amount is not None else None,
              "start_month": str(grant.start_month or ""), "end_month": str(grant.end_month or "")},
    )  # fmt: skip
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        request=request,
        obj=grant,
        area_code=resident.town_id or "",
        reason=_("人工决定"),
    )
    return grant


@transaction.atomic
def grant_return_to_automatic(
    *, actor: Any, resident: Resident, note: str, request: HttpRequest | None = None
) -> AllowanceGrant:
    """Hand the case back to the job; the next run (even incremental) re-decides it."""
    require(access.can_decide, actor, resident)
    grant = _grant_for(resident)
    grant.manual = False
    grant.save()  # updated_at moves: the next incremental run examines this person
    AllowanceDecision.objects.create(
        grant=grant, resident=resident, kind=DecisionKind.AUTOMATIC, old_status=grant.status,
        new_status=grant.status, decided_by=audit_user(actor), note=(note or "").strip(), as_of=timezone.localdate(),
    )  # fmt: skip
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        request=request,
        obj=grant,
        area_code=resident.town_id or "",
        reason=_("恢复自动匹配"),
    )
    return grant


@transaction.atomic
def overpayment_set_status(
    *, actor: Any, overpayment: Overpayment, status: str, request: HttpRequest | None = None
) -> Overpayment:
    """Record how the recovery of an overpayment stands (open, recovered, waived …); audited."""
    require(access.can_set_overpayment_status, actor, overpayment)
    overpayment.status = status
    overpayment.save(update_fields=["status"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        request=request,
        obj=overpayment,
        area_code=overpayment.town_id or "",
        reason=_("更新追回状态"),
    )
    return overpayment
