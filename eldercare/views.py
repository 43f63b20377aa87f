"""Staff pages of elder care: search-first elder page, the phone assessment form, sign-off, the
to-assess and institution-support lists. Thin: reads come from selectors, writes from services, and
every permission from access.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hechuan_portal.accounts import export_jobs
from hechuan_portal.accounts.audit import audit_read
from hechuan_portal.accounts.reauth import reauth_required
from hechuan_portal.accounts.roles import is_district
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common.errors import PortalError, form_error
from hechuan_portal.common.listing import sorted_page
from hechuan_portal.common.months import add_months
from hechuan_portal.common.ratios import figure_value
from hechuan_portal.residents.models import Resident

from . import access, selectors, services, standards
from .error_codes import ErrorCode
from .forms import AssessmentForm, IdSearchForm, item_field_name
from .models import Assessment


def require(check, user, obj=None) -> None:
    """Pages answer a refusal with Django's 403 page (the API with the shared error body)."""
    if not (check(user) if obj is None else check(user, obj)):
        raise PermissionDenied


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Search-first: the full ID number is posted (never in a URL) and leads to the elder's page."""
    require(access.can_view, request.user)
    form = IdSearchForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        resident = selectors.find_resident(user=request.user, id_number=form.cleaned_data["id_number"])
        if resident is not None:
            return redirect("eldercare:elder", pk=resident.pk)
        not_found = True
        form = IdSearchForm()
    services.coverage_ensure()  # today's summary rows (the nightly job's, or built on this first read)
    coverage = selectors.assessment_coverage(user=request.user)
    return render(
        request,
        "eldercare/index.html",
        {
            "form": form,
            "not_found": not_found,
            "queue": selectors.awaiting_sign_off(user=request.user)[:20],
            "coverage": coverage,
            # The dashboard's 80岁以上能力评估覆盖率, rounded by the same function (issue 18).
            "coverage_share": figure_value(coverage["assessed"], coverage["aged80"], 100),
        },
    )


@login_required
def elder(request: HttpRequest, pk: int) -> HttpResponse:
    """The elder's page. Every view is audited."""
    require(access.can_view, request.user)
    resident = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("town", "community"), pk=pk
    )
    audit_read(request, obj=resident, reason="elder page")
    page = selectors.elder_page(user=request.user, resident=resident)
    return render(request, "eldercare/elder.html", page)


@login_required
def assess(request: HttpRequest) -> HttpResponse:
    """The phone form: record an assessment at the elder's home (or a facility, or hospital)."""
    require(access.can_record, request.user)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resident = selectors.find_resident(user=request.user, id_number=data["id_number"])
            if resident is None:
                raise PortalError(ErrorCode.RESIDENT_NOT_FOUND, field="id_number", status=404)
            corrects = (
                get_object_or_404(Assessment.objects.visible_to(request.user), pk=data["corrects"])
                if data.get("corrects")
                else None
            )
            assessment = services.assessment_record(
                actor=request.user,
                resident=resident,
                assessed_on=data["assessed_on"],
                place=data["place"],
                items=form.items(),
                coma=data["coma"],
                dementia=data["dementia"],
                mental_disorder=data["mental_disorder"],
                risk_events_30d=data["risk_events_30d"],
                notes=data["notes"],
                corrects=corrects,
                client_key=data.get("client_key"),
            )
        except PortalError as exc:
            if exc.field and exc.field.startswith("items."):
                exc.field = item_field_name(exc.field.removeprefix("items."))
            form_error(form, exc)
        else:
            messages.success(request, _("评估已保存，等待第二名评估员复核签字。"))
            return redirect(assessment)
    status = 400 if form.errors else 200
    return render(request, "eldercare/assess.html", {"form": form}, status=status)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.can_view, request.user)
    assessment = get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related(
            "resident", "town", "assessor", "second_assessor", "policy", "corrects"
        ),
        pk=pk,
    )
    return render(request, "eldercare/assessment_detail.html", _detail_context(assessment))


def _detail_context(assessment: Assessment) -> dict:
    return {
        "assessment": assessment,
        "reason_labels": [standards.Reason(code).label for code in assessment.reasons],
        "item_rows": [
            (item.code, item.name, assessment.items.get(item.code), item.max_score)
            for item in standards.ITEMS
        ],
    }


@login_required
@require_POST
def assessment_sign(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.can_view, request.user)
    assessment = get_object_or_404(Assessment.objects.visible_to(request.user), pk=pk)
    try:
        services.assessment_sign(actor=request.user, assessment=assessment)
    except PortalError as exc:
        messages.error(request, exc.detail)
        status = exc.status
        return render(request, "eldercare/assessment_detail.html", _detail_context(assessment), status=status)
    messages.success(request, _("已复核签字。"))
    return redirect(assessment)


def _town_filter(request: HttpRequest) -> tuple[str | None, list[AdminArea]]:
    user = request.user
    towns = list(AdminArea.objects.towns().order_by("code"))
    if not is_district(user):
        towns = [t for t in towns if t.code == getattr(user, "area_id", None)]
    code = request.GET.get("town") or None
    return (code if code in {t.code for t in towns} else None), towns


TO_ASSESS_COLUMNS = {
    "name": "name",
    "birth": "birth_date",
    "town": ("town_id", "birth_date"),
    "last": "last_assessed_on",
}
SUPPORT_COLUMNS = {"name": "name", "town": ("town_id", "name"), "grade": "grade"}


@login_required
def to_assess(request: HttpRequest) -> HttpResponse:
    """The to-assess list: everyone 80+ without a valid assessment, oldest first, per town."""
    require(access.can_view, request.user)
    town, towns = _town_filter(request)
    today = timezone.localdate()
    rules = selectors.rules_on(today)
    page = sorted_page(
        request, selectors.to_assess(user=request.user, town=town, as_of=today), columns=TO_ASSESS_COLUMNS
    )
    for row in page:
        row.due_on = add_months(row.last_assessed_on, rules.reassess_months) if row.last_assessed_on else None
    return render(request, "eldercare/to_assess.html", {"page": page, "town": town, "towns": towns})


@login_required
def support(request: HttpRequest) -> HttpResponse:
    """二(一): elders with 低保 or 特困 and a grade at or above the 失能 threshold, per town."""
    require(access.can_view, request.user)
    town, towns = _town_filter(request)
    page = sorted_page(
        request, selectors.institution_support(user=request.user, town=town), columns=SUPPORT_COLUMNS
    )
    return render(request, "eldercare/support.html", {"page": page, "town": town, "towns": towns})


@login_required
@reauth_required
def ltc_export(request: HttpRequest) -> HttpResponse:
    """The long-term-care insurance export (full ID numbers): re-authenticated, audited by the service.
    Built by a background job in memory — a file of full ID numbers never touches the disk (issue 21
    item 4) — whose page shows the progress, then the download (accounts/export_jobs.py)."""
    require(access.can_export_ltc, request.user)
    job = export_jobs.start(
        actor=request.user,
        builder="eldercare.services.ltc_export_file",
        params={},
        filename=f"ltc-{timezone.localdate():%Y%m%d}.csv",
        content_type="text/csv; charset=utf-8",
        label=_("长期护理保险名单"),
        model="eldercare.assessment",
        total=selectors.ltc_rows().count(),
    )
    return redirect("accounts:export_job", job=job)


ltc_export.starts_export_job = True
