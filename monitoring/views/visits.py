"""探访关爱: elders due a visit, recording one, and the monthly visit rates."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hechuan_portal.accounts.audit import audit_read, audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common.errors import PortalError, form_error
from hechuan_portal.common.listing import sorted_page
from hechuan_portal.common.months import month_start, parse_month
from hechuan_portal.residents.models import Resident

from .. import access, exports, rules, selectors, services
from ..forms import MonthForm, VisitForm
from ..standards import config
from .base import monitoring_user

VISIT_COLUMNS = {
    "name": "name",
    "community": ("community_id", "name"),
    "last": "last_visit_on",
    "next": "next_due_on",
}


@monitoring_user(inspectors_only=True)
def visit_due(request):
    today = timezone.localdate()
    community = request.GET.get("community") or None
    qs = selectors.visit_candidates(user=request.user, today=today, community=community)
    state = request.GET.get("state")
    if state in {"overdue", "never", "due", "ok"}:
        qs = qs.filter(due_state=state)
    rows = sorted_page(request, qs, columns=VISIT_COLUMNS)
    audit_read(request, model=Resident, rows=len(rows.object_list), reason="visit_due_list")
    communities = AdminArea.objects.communities().only("code", "name")  # no outlines for a select
    if not access.can_see_all_towns(request.user):
        communities = communities.filter(parent_id=request.user.area_id)
    return render(
        request,
        "monitoring/visit_due.html",
        {
            "rows": rows,
            "today": today,
            "communities": communities.order_by("code"),
            "community": community,
            "state": state,
        },
    )


@monitoring_user(inspectors_only=True)
def visit_new(request, resident_pk):
    resident = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("town", "community"), pk=resident_pk
    )
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_record(resident=resident, actor=request.user, request=request, **data)
        except PortalError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("探访记录已保存。"))
            return redirect("monitoring:visit_due")
    today = timezone.localdate()
    audit_read(request, obj=resident, reason="visit_form")
    history = resident.welfare_visits.select_related("visitor")[:10]
    return render(
        request,
        "monitoring/visit_new.html",
        {
            "resident": resident,
            "form": form,
            "tier": services.resident_tier(resident, today=today),
            "age": rules.age_on(resident.birth_date, today),
            "history": history,
        },
    )


def _month(request) -> tuple[MonthForm, dt.date]:
    """The month asked for (YYYY-MM), or this month."""
    form = MonthForm(request.GET or None)
    month = month_start(timezone.localdate())
    if form.is_valid():
        month = parse_month(form.cleaned_data.get("month")) or month
    return form, month


@monitoring_user(inspectors_only=True)
def visit_rates(request):
    form, month = _month(request)
    communities, towns = selectors.visit_rates(user=request.user, year=month.year, month=month.month)
    return render(
        request,
        "monitoring/visit_rates.html",
        {
            "form": form,
            "communities": communities,
            "towns": towns,
            "month": f"{month:%Y-%m}",
            "target": config()["visit_rate_target"],
        },
    )


@monitoring_user(inspectors_only=True)
def visit_rates_export(request):
    form, month = _month(request)
    label = f"{month:%Y-%m}"
    communities, towns = selectors.visit_rates(user=request.user, year=month.year, month=month.month)
    data = exports.visit_rates_xlsx(label, communities, towns)
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type="monitoring.welfarevisit",
        area_code=request.user.area_id or "",
        reason="visit_rates_xlsx",
        changes={"month": label},
    )
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="visit-rates-{label}.xlsx"'
    return response
