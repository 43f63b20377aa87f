"""Staff pages of the senior allowance: dashboard, runs, policy, rolls, overpayments, people, reviews."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hechuan_portal.accounts import export_jobs
from hechuan_portal.accounts.audit import audit_read
from hechuan_portal.accounts.reauth import note_download, reauth_required
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.exports import XLSX_CONTENT_TYPE
from hechuan_portal.common.formatting import money
from hechuan_portal.common.listing import sorted_page
from hechuan_portal.residents import access as residents_access
from hechuan_portal.residents import services as residents_services
from hechuan_portal.residents.models import AwayPeriod, MoveReview, Resident

from . import access, selectors, services
from .forms import (
    ConfigForm,
    ManualDecisionForm,
    MoveInConfirmForm,
    OverpaymentStatusForm,
    PolicyForm,
    ReviewRequestForm,
    SimulationForm,
    TierFormSet,
)
from .models import (
    AllowanceConfig,
    AllowanceDecision,
    AllowanceGrant,
    AllowancePolicy,
    MatchRun,
    Overpayment,
    PaymentLine,
    PayrollPeriod,
    ReviewStatus,
)


def _require(check: bool) -> None:
    if not check:
        raise PermissionDenied


@login_required
def dashboard(request):
    _require(access.can_view(request.user))
    data = selectors.dashboard(user=request.user)
    last_run = MatchRun.objects.visible_to(request.user).first()
    return render(request, "subsidies/dashboard.html", {"data": data, "last_run": last_run})


@login_required
def edges(request):
    """This month's edge cases per town (issue 17): district roles."""
    _require(access.can_view_district(request.user))
    return render(request, "subsidies/edges.html", {"data": selectors.edge_cases(user=request.user)})


PERIOD_COLUMNS = {
    "month": "month",
    "status": ("status", "month"),
    "lines": "line_count",
    "total": "total_amount",
    "closed": "closed_at",
}
RUN_COLUMNS = {
    "started": "started_at",
    "as_of": "as_of",
    "status": ("status", "started_at"),
    "examined": "examined",
}
OVERPAYMENT_COLUMNS = {
    "name": "resident__name",
    "town": ("town_id", "month"),
    "month": "month",
    "amount": "amount",
    "status": ("status", "month"),
}


@login_required
def runs(request):
    _require(access.can_view_district(request.user))
    if request.method == "POST":
        _require(access.can_run_match(request.user))
        services.allowance_match_later(actor=request.user, as_of=timezone.localdate())
        messages.success(request, _("已提交匹配任务，稍后刷新查看结果。"))
        return redirect("subsidies:runs")
    page = sorted_page(
        request, MatchRun.objects.visible_to(request.user).select_related("triggered_by"), columns=RUN_COLUMNS
    )
    return render(request, "subsidies/runs.html", {"page": page})


@login_required
def policies(request):
    _require(access.can_view_district(request.user))
    config = AllowanceConfig.current()
    config_form = ConfigForm(request.POST or None, instance=config, prefix="cfg")
    if request.method == "POST":
        _require(access.can_edit_policy(request.user))
        if config_form.is_valid():
            services.arrears_cap_set(
                actor=request.user, months=config_form.cleaned_data["arrears_cap_months"], request=request
            )
            messages.success(request, _("补发上限已保存。"))
            return redirect("subsidies:policies")
    items = AllowancePolicy.objects.prefetch_related("tiers")
    return render(
        request,
        "subsidies/policies.html",
        {"policies": items, "config_form": config_form},
    )


@login_required
def policy_edit(request, pk=None):
    _require(access.can_edit_policy(request.user))
    policy = get_object_or_404(AllowancePolicy, pk=pk) if pk else None
    form = PolicyForm(request.POST or None, instance=policy)
    formset = TierFormSet(request.POST or None, instance=policy or AllowancePolicy())
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        services.allowance_policy_save(actor=request.user, form=form, tiers=formset, request=request)
        messages.success(request, _("政策已保存，下次匹配起生效；已关闭的月份不受影响。"))
        return redirect("subsidies:policies")
    return render(request, "subsidies/policy_form.html", {"form": form, "formset": formset, "policy": policy})


@login_required
def payroll(request):
    _require(access.can_view_district(request.user))
    periods = sorted_page(request, PayrollPeriod.objects.visible_to(request.user), columns=PERIOD_COLUMNS)
    return render(request, "subsidies/payroll.html", {"periods": periods})


def _period_or_404(request, month: str) -> PayrollPeriod:
    _require(access.can_view_district(request.user))
    try:
        day = services.parse_period(month)
    except PortalError:
        raise PermissionDenied from None
    return get_object_or_404(PayrollPeriod.objects.visible_to(request.user), month=day)


@login_required
def payroll_detail(request, month):
    period = _period_or_404(request, month)
    towns = (
        PaymentLine.objects.filter(period=period)
        .values("town__name", "town_id")
        .annotate(
            n=Count("id"),
            normal=Sum("amount", filter=Q(kind="normal")),
            arrears=Sum("amount", filter=Q(kind="arrears")),
            total=Sum("amount"),
        )
        .order_by("town_id")
    )
    return render(
        request,
        "subsidies/payroll_detail.html",
        {"period": period, "towns": towns},
    )


@login_required
def payroll_close(request, month):
    """Closing freezes the roll for good: GET shows what will be frozen (period, people, amounts by
    kind, towns) and asks for confirmation; only the confirmed POST closes it, and the roll's page
    then says what was done."""
    period = _period_or_404(request, month)
    if not access.can_close_payroll(request.user):
        raise PermissionDenied(_("关闭发放名册由“区级管理员”办理；区工作人员可查看和导出名册。"))
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            closed = services.payroll_close(actor=request.user, month=period.month, request=request)
        except PortalError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request,
                _("%(month)s发放名册已关闭并冻结：%(lines)s 人次，合计 %(total)s。")
                % {
                    "month": date_format(closed.month, "YEAR_MONTH_FORMAT"),
                    "lines": number_format(closed.line_count, force_grouping=True),
                    "total": money(closed.total_amount),
                },
            )
        return redirect("subsidies:payroll_detail", month=month)
    summary = PaymentLine.objects.filter(period=period).aggregate(
        lines=Count("id"),
        people=Count("resident_id", distinct=True),
        towns=Count("town_id", distinct=True),
        normal=Sum("amount", filter=Q(kind="normal")),
        arrears=Sum("amount", filter=Q(kind="arrears")),
        arrears_lines=Count("id", filter=Q(kind="arrears")),
        total=Sum("amount"),
    )
    return render(request, "subsidies/payroll_close.html", {"period": period, "summary": summary})


def _file_response(buffer: io.BytesIO, name: str) -> FileResponse:
    """A download made in memory: a file with ID numbers never touches the disk (issue 21 item 4)."""
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=name)


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}


@login_required
@reauth_required
def payroll_export(request, month):
    """XLSX by default (for people); `?format=csv` is the bank systems' file. A roll holds one line
    per person and month (tens of thousands): the file is built by a background job, whose page
    shows the progress and then the download (accounts/export_jobs.py)."""
    period = _period_or_404(request, month)
    _require(access.can_export(request.user))
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    job = export_jobs.start(
        actor=request.user,
        builder="subsidies.services.payroll_export",
        params={"month": period.month, "fmt": fmt},
        filename=f"payroll-{month}.{fmt}",
        content_type=EXPORT_TYPES[fmt],
        label=_("%(month)s发放名册（银行代发）") % {"month": f"{period.month:%Y-%m}"},
        model="subsidies.paymentline",
        total=PaymentLine.objects.filter(period=period).count(),
    )
    return redirect("accounts:export_job", job=job)


payroll_export.starts_export_job = True


@login_required
def overpayments(request):
    _require(access.can_view(request.user))
    qs = Overpayment.objects.visible_to(request.user)
    towns = (
        qs.values("town__name", "town_id")
        .annotate(n=Count("id"), open=Sum("amount", filter=Q(status="open")), total=Sum("amount"))
        .order_by("town_id")
    )
    page = sorted_page(request, qs.select_related("resident", "town"), columns=OVERPAYMENT_COLUMNS)
    return render(
        request,
        "subsidies/overpayments.html",
        {"towns": towns, "page": page, "status_form": OverpaymentStatusForm()},
    )


@login_required
@require_POST
def overpayment_status(request, pk):
    _require(access.can_set_overpayment_status(request.user))
    item = get_object_or_404(Overpayment.objects.visible_to(request.user), pk=pk)
    form = OverpaymentStatusForm(request.POST)
    if form.is_valid():
        services.overpayment_set_status(
            actor=request.user, overpayment=item, status=form.cleaned_data["status"], request=request
        )
    return redirect("subsidies:overpayments")


@login_required
@reauth_required
def overpayments_export(request):
    _require(access.can_export(request.user))
    buffer = io.BytesIO()
    rows = services.overpayments_export(actor=request.user, output=buffer, fmt="csv", request=request)
    note_download(request, name="overpayments.csv", rows=rows)
    return _file_response(buffer, "overpayments.csv")


def _person_or_404(request, pk) -> Resident:
    _require(access.can_view(request.user))
    return get_object_or_404(Resident.objects.visible_to(request.user).select_related("town"), pk=pk)


@login_required
def person(request, pk):
    resident = _person_or_404(request, pk)
    grant = AllowanceGrant.objects.filter(resident=resident).first()
    audit_read(request, obj=resident, reason=_("查看津贴记录"))
    context = {
        "resident": resident,
        "grant": grant,
        "decisions": AllowanceDecision.objects.filter(resident=resident).select_related("decided_by", "run")[
            :200
        ],
        "lines": PaymentLine.objects.filter(resident=resident)
        .select_related("period")
        .order_by("-month")[:120],
        "overpayments": Overpayment.objects.filter(resident=resident).order_by("month"),
        "away_periods": AwayPeriod.objects.filter(resident=resident).order_by("created_at"),
        "corrections": resident.id_corrections.order_by("at"),
        "move_in_form": MoveInConfirmForm(),
        "review_form": ReviewRequestForm(),
        "decision_form": ManualDecisionForm(
            initial={
                "status": grant.status if grant and grant.status != "none" else "active",
                "tier_code": grant.tier_code if grant else "",
                "tier_label": grant.tier_label if grant else "",
                "monthly_amount": grant.monthly_amount if grant else None,
                "start_month": grant.start_month if grant else None,
                "end_month": grant.end_month if grant else None,
            }
        ),
    }
    return render(request, "subsidies/person.html", context)


@login_required
@require_POST
def person_review(request, pk):
    resident = _person_or_404(request, pk)
    _require(access.can_request_review(request.user, resident))
    form = ReviewRequestForm(request.POST)
    if form.is_valid():
        services.grant_request_review(
            actor=request.user, resident=resident, note=form.cleaned_data["note"], request=request
        )
        messages.success(request, _("已转入人工复核队列。"))
    else:
        messages.error(request, _("请填写复核申请的理由"))
    return redirect("subsidies:person", pk=pk)


@login_required
@require_POST
def person_decide(request, pk):
    resident = _person_or_404(request, pk)
    _require(access.can_decide(request.user, resident))
    form = ManualDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.grant_decide_manually(
                actor=request.user, resident=resident, request=request, **form.cleaned_data
            )
            messages.success(request, _("人工决定已保存，夜间匹配不会覆盖。"))
        except PortalError as exc:
            messages.error(request, exc.detail)
    else:
        messages.error(
            request,
            _("请检查填写内容：%(errors)s")
            % {"errors": "; ".join(" ".join(v) for v in form.errors.values())},
        )
    return redirect("subsidies:person", pk=pk)


@login_required
@require_POST
def person_automatic(request, pk):
    resident = _person_or_404(request, pk)
    _require(access.can_decide(request.user, resident))
    services.grant_return_to_automatic(
        actor=request.user, resident=resident, note=request.POST.get("note", ""), request=request
    )
    messages.success(request, _("已恢复自动匹配。"))
    return redirect("subsidies:person", pk=pk)


@login_required
@require_POST
def person_move_in(request, pk, away_pk):
    resident = _person_or_404(request, pk)
    period = get_object_or_404(AwayPeriod, pk=away_pk, resident=resident)
    _require(residents_access.can_confirm_move_in(request.user, period))
    form = MoveInConfirmForm(request.POST)
    if form.is_valid():
        try:
            residents_services.away_period_confirm(
                actor=request.user, period=period, moved_in_date=form.cleaned_data["moved_in_date"],
                request=request,
            )  # fmt: skip
            messages.success(request, _("迁入日期已确认，下次匹配起按此发放。"))
        except PortalError as exc:
            messages.error(request, exc.detail)
    else:
        messages.error(request, _("请填写迁入日期"))
    return redirect("subsidies:person", pk=pk)


@login_required
def reviews(request):
    _require(access.can_view(request.user))
    queue = (
        AllowanceGrant.objects.visible_to(request.user)
        .filter(review_status=ReviewStatus.REQUESTED)
        .select_related("resident", "resident__town")
        .order_by("review_requested_at")
    )
    moves = (
        AwayPeriod.objects.visible_to(request.user)
        .filter(review=MoveReview.PENDING)
        .select_related("resident", "resident__town")
        .order_by("proposed_in_date", "id")
    )
    return render(request, "subsidies/reviews.html", {"queue": queue[:500], "moves": moves[:500]})


@login_required
def simulate(request):
    _require(access.can_view_district(request.user))
    policy = (
        AllowancePolicy.objects.filter(effective_from__lte=timezone.localdate())
        .prefetch_related("tiers")
        .first()
    )
    tiers = [(t.code, f"{t.label}（¥{t.monthly_amount}）") for t in policy.tiers.all()] if policy else []
    form = SimulationForm(request.GET or None, tiers=tiers)
    result = None
    if request.GET and form.is_valid():
        result = selectors.simulate(
            user=request.user, tier_code=form.cleaned_data["tier_code"], amount=form.cleaned_data["amount"],
            start=form.cleaned_data["start"],
        )  # fmt: skip
    return render(request, "subsidies/simulate.html", {"form": form, "result": result})
