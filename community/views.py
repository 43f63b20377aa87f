"""Staff pages under /manage/community/: thin — selectors read, services write, `access` decides."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hechuan_portal.accounts.reauth import reauth_required
from hechuan_portal.common.errors import PortalError, form_error
from hechuan_portal.common.listing import sorted_page
from hechuan_portal.common.months import month_start, parse_month
from hechuan_portal.residents.models import Resident

from . import access, rules, selectors, services
from .error_codes import ErrorCode
from .forms import (
    CallbackForm,
    CareRecordForm,
    ClaimActionForm,
    DonationForm,
    MealFileForm,
    MealForm,
    MonthForm,
    PolicyForm,
)
from .models import (
    CareRecord,
    ClaimRoll,
    Donation,
    MealClaim,
    MealImport,
    MealPolicy,
    PersonCategory,
    Volunteer,
)


def community_user(view: Callable[..., Any]) -> Callable[..., Any]:
    """Logged in with a scope: auditors (who read the audit log only) are refused."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.can_use(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _month(request) -> dt.date:
    return parse_month(request.GET.get("month")) or month_start(timezone.localdate())


@community_user
def index(request):
    """This month's meals per town and category, and the claims the user may see."""
    month = _month(request)
    rows = selectors.meals_by_town_and_category(month=month, user=request.user)
    labels = dict(PersonCategory.choices)
    claims = MealClaim.objects.visible_to(request.user).filter(month=month).select_related("canteen__town")
    return render(
        request,
        "community/index.html",
        {
            "month": month,
            "meal_rows": [{**r, "label": labels[r["cat"]]} for r in rows],
            "meal_total": sum(r["meals"] for r in rows),
            "claims": claims,
            "claim_total": claims.aggregate(total=Sum("government_amount"))["total"] or 0,
            "imports": MealImport.objects.visible_to(request.user).select_related("canteen")[:10],
        },
    )


@community_user
def meal_import(request):
    form = MealFileForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        canteen = form.cleaned_data["canteen"]
        upload = form.cleaned_data["file"]
        try:
            batch = services.meals_import(
                actor=request.user, canteen=canteen, source=upload, file_name=upload.name, request=request
            )
        except PortalError as exc:
            form_error(form, exc)
        else:
            return redirect("community:import_detail", pk=batch.pk)
    return render(request, "community/meal_import.html", {"form": form})


@community_user
def import_detail(request, pk):
    batch = get_object_or_404(MealImport.objects.visible_to(request.user).select_related("canteen"), pk=pk)
    problems = [
        {**e, "text": e.get("text") or rules.problem_text(e["code"], e.get("column", ""))}
        for e in batch.errors
    ]
    return render(request, "community/import_detail.html", {"batch": batch, "problems": problems})


@community_user
def meal_new(request):
    """The phone form of a small canteen: one entry at a time."""
    form = MealForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.meal_record(
                actor=request.user,
                canteen=data["canteen"],
                day=data["day"],
                category=data["category"],
                way=data["way"],
                id_number=data["id_number"],
                count=data["count"],
                request=request,
            )
        except PortalError as exc:
            form_error(form, exc)
        else:
            if batch.errors:
                for e in batch.errors:
                    form.add_error(
                        None, f"{e.get('column') or ''} {rules.problem_text(e['code'], e.get('column', ''))}"
                    )
            else:
                messages.success(request, _("已登记。"))
                return redirect("community:meal_new")
    return render(request, "community/meal_new.html", {"form": form})


# The lists' sortable columns (common/listing.py).
CLAIM_COLUMNS = {
    "canteen": "canteen__name",
    "town": ("canteen__town_id", "canteen__name"),
    "meals": "meals",
    "amount": "government_amount",
    "status": ("status", "canteen__name"),
}
CARE_COLUMNS = {"at": "performed_at", "resident": "resident__name", "kind": ("kind", "performed_at")}
VOLUNTEER_COLUMNS = {
    "name": "resident__name",
    "community": ("community_id", "resident__name"),
    "earned": "earned",
    "balance": "balance",
}
DONATION_COLUMNS = {"received": "received_on", "donor": "donor", "amount": "amount"}


@community_user
def claim_list(request):
    month = _month(request)
    form = MonthForm(request.POST or None)
    if request.method == "POST":
        if not access.can_compute_all_claims(request.user):
            raise PermissionDenied
        if form.is_valid():
            written = services.claims_compute(actor=request.user, month=form.cleaned_data["month"])
            messages.success(request, _("已计算 %(n)s 份申报。") % {"n": written})
            return redirect(f"{request.path}?month={form.cleaned_data['month']:%Y-%m}")
    claims = sorted_page(
        request,
        MealClaim.objects.visible_to(request.user)
        .filter(month=month)
        .select_related("canteen__town", "roll")
        .order_by("canteen__town_id", "canteen__name"),
        columns=CLAIM_COLUMNS,
    )
    return render(request, "community/claim_list.html", {"month": month, "claims": claims, "form": form})


@community_user
def claim_detail(request, pk):
    claim = get_object_or_404(
        MealClaim.objects.visible_to(request.user).select_related("canteen__town"), pk=pk
    )
    form = ClaimActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action == "review":
                services.claim_review(actor=request.user, claim=claim, reason=reason)
            elif action == "approve":
                services.claim_approve(actor=request.user, claim=claim, reason=reason)
            else:
                services.claim_return(actor=request.user, claim=claim, reason=reason)
        except PortalError as exc:
            if exc.status == 403:
                raise PermissionDenied from exc
            form_error(form, exc)
        else:
            messages.success(request, _("申报状态已更新。"))
            return redirect("community:claim_detail", pk=claim.pk)
    findings = selectors.claim_findings(canteen=claim.canteen, month=claim.month)
    people = Resident.objects.in_bulk(
        {row["resident_id"] for rows in findings.values() for row in rows if row.get("resident_id")}
    )
    for rows in findings.values():
        for row in rows:
            row["person"] = people.get(row.get("resident_id"))
    return render(
        request,
        "community/claim_detail.html",
        {
            "claim": claim,
            "form": form,
            "findings": findings,
            "finding_count": sum(len(r) for r in findings.values()),
            "changes": claim.changes.select_related("actor"),
            "may_review": access.can_review_claim(request.user, claim),
            "may_approve": access.can_approve_claim(request.user, claim),
        },
    )


def _roll_month(month: str) -> dt.date:
    parsed = parse_month(month)
    if parsed is None:
        raise Http404
    return parsed


@community_user
def roll_detail(request, month):
    if not access.can_manage_roll(request.user):
        raise PermissionDenied
    first = _roll_month(month)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                services.roll_close(actor=request.user, month=first)
            else:
                services.roll_draft(actor=request.user, month=first)
        except PortalError as exc:
            messages.error(request, exc.detail)
        return redirect("community:roll_detail", month=month)
    roll = ClaimRoll.objects.filter(month=first).first()
    claims = roll.claims.select_related("canteen__town") if roll else MealClaim.objects.none()
    return render(request, "community/roll_detail.html", {"month": first, "roll": roll, "claims": claims})


@community_user
@reauth_required
def roll_bank_file(request, month):
    """The closed roll's bank file (CSV, UTF-8 with BOM so Excel/WPS open it)."""
    if not access.can_manage_roll(request.user):
        raise PermissionDenied
    first = _roll_month(month)
    out = io.StringIO()
    try:
        services.roll_bank_file(actor=request.user, month=first, output=out, request=request)
    except PortalError as exc:
        if exc.code == ErrorCode.ROLL_NOT_FOUND:
            raise Http404 from exc
        messages.error(request, exc.detail)
        return redirect("community:roll_detail", month=month)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meal-subsidy-{first:%Y-%m}.csv"'
    return response


@community_user
def care_list(request):
    """Monthly plans with the share delivered, and the month's records with their callback."""
    month = _month(request)

    records = sorted_page(
        request,
        CareRecord.objects.visible_to(request.user)
        .filter(performed_at__date__gte=month)
        .select_related("resident", "provider"),
        columns=CARE_COLUMNS,
    )
    return render(
        request,
        "community/care_list.html",
        {
            "month": month,
            "plans": selectors.plan_delivery(user=request.user, month=month),
            "records": records,
            "may_call_back": access.can_plan_care(request.user),
        },
    )


@community_user
def care_new(request):
    """A bathing or cleaning visit, recorded on the provider's phone with a photo and the location."""
    form = CareRecordForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        resident = selectors.resident_by_number(data["id_number"])
        if resident is None:
            form.add_error("id_number", PortalError(ErrorCode.RESIDENT_NOT_FOUND).detail)
        else:
            try:
                services.care_record_create(
                    actor=request.user,
                    resident=resident,
                    kind=data["kind"],
                    provider=data["provider"],
                    photo=data["photo"],
                    lng=data["lng"],
                    lat=data["lat"],
                    accuracy_m=data["accuracy"],
                    location_note=data["location_note"],
                    request=request,
                )
            except PortalError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("服务记录已保存。"))
                return redirect("community:care_new")
    return render(
        request,
        "community/care_new.html",
        {"form": form, "max_point": rules.MAX_DISTANCE_POINT_M, "max_home": rules.MAX_DISTANCE_HOME_M},
    )


@require_POST
@community_user
def care_callback(request, pk):

    record = get_object_or_404(CareRecord.objects.visible_to(request.user), pk=pk)
    if not access.can_plan_care(request.user, record.town_id):
        raise PermissionDenied
    form = CallbackForm(request.POST)
    if form.is_valid():
        services.care_callback(
            actor=request.user,
            record=record,
            satisfaction=form.cleaned_data["satisfaction"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("回访已记录。"))
    else:
        messages.error(request, _("请选择满意度。"))
    return redirect("community:care_list")


@community_user
def volunteer_list(request):
    """The community statement: each volunteer's hours earned, given, redeemed, expired and balance."""
    if not access.can_manage_volunteers(request.user):
        raise PermissionDenied
    volunteers = sorted_page(
        request, selectors.community_statement(user=request.user), columns=VOLUNTEER_COLUMNS
    )
    return render(request, "community/volunteer_list.html", {"volunteers": volunteers})


@community_user
def volunteer_statement(request, pk):
    """A volunteer's printable statement: every entry with its source and the balance after it."""
    volunteer = get_object_or_404(
        Volunteer.objects.visible_to(request.user).select_related("resident", "town", "community"), pk=pk
    )
    return render(
        request,
        "community/volunteer_statement.html",
        {
            "volunteer": volunteer,
            "entries": selectors.volunteer_statement(volunteer=volunteer),
            "today": timezone.localdate(),
        },
    )


@community_user
def policy_list(request):
    """The cost-sharing policies (each category's split of a meal, from a date); the district adds one."""
    may_manage = access.can_manage_policy(request.user)
    form = PolicyForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.policy_create(
                    actor=request.user,
                    name=data["name"],
                    effective_from=data["effective_from"],
                    max_meals_per_day=data["max_meals_per_day"],
                    shares=form.shares(),
                    note=data["note"],
                )
            except PortalError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("政策已保存。"))
                return redirect("community:policy_list")
    policies = MealPolicy.objects.prefetch_related("shares").order_by("-effective_from")
    labels = dict(PersonCategory.choices)
    status = 400 if form.errors else 200
    return render(
        request,
        "community/policy_list.html",
        {"policies": policies, "labels": labels, "form": form, "may_manage": may_manage},
        status=status,
    )


@community_user
def donation_list(request):
    """Donations recorded as income, with the donor and the use (社会捐一点): district roles."""
    if not access.can_manage_policy(request.user):
        raise PermissionDenied
    form = DonationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        canteen = data["canteen"]
        try:
            services.donation_record(
                actor=request.user,
                received_on=data["received_on"],
                donor=data["donor"],
                amount=data["amount"],
                use=data["use"],
                canteen=canteen,
                town_id=canteen.town_id if canteen else None,
            )
        except PortalError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("捐赠已登记。"))
            return redirect("community:donation_list")
    donations = Donation.objects.select_related("canteen", "town").order_by("-received_on", "-id")
    status = 400 if form.errors else 200
    return render(
        request,
        "community/donation_list.html",
        {
            "donations": sorted_page(request, donations, columns=DONATION_COLUMNS),
            "total": donations.aggregate(t=Sum("amount"))["t"] or 0,
            "form": form,
        },
        status=status,
    )
