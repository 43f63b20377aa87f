"""Inspection plans, the 双随机 draw, and the risk-based list of facilities due."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from facilities.models import FacilityKind
from hechuan_portal.common.errors import PortalError, form_error
from hechuan_portal.common.listing import sorted_page

from .. import access, selectors, services
from ..forms import DrawForm, PlanForm
from ..models import InspectionPlan, RiskBand
from .base import monitoring_user

PLAN_COLUMNS = {
    "name": "name",
    "topic": "topic",
    "town": "town_id",
    "period": ("starts_on", "ends_on"),
    "status": "status",
    "progress": "n_done",
}
DUE_COLUMNS = {
    "facility": "facility__name",
    "town": ("facility__town_id", "facility__name"),
    "risk": "score",
    "last": "last_inspected_on",
    "next": "next_due_on",
}


@monitoring_user(inspectors_only=True)
def plan_list(request):
    filterset = selectors.plan_list(user=request.user, data=request.GET or None)
    return render(
        request,
        "monitoring/plan_list.html",
        {"filter": filterset, "rows": sorted_page(request, filterset.qs, columns=PLAN_COLUMNS)},
    )


@monitoring_user(inspectors_only=True)
def plan_new(request):
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data.items())
        town = fields.pop("town", None)
        plan = services.plan_create(
            actor=request.user, request=request, town_id=town.pk if town else None, **fields
        )
        return redirect(plan)
    return render(request, "monitoring/plan_new.html", {"form": form})


@monitoring_user(inspectors_only=True)
def plan_detail(request, pk):
    plan = get_object_or_404(InspectionPlan.objects.visible_to(request.user).select_related("town"), pk=pk)
    draw = getattr(plan, "draw", None)
    inspections = plan.inspections.select_related("facility", "facility__town").prefetch_related("inspectors")
    form = DrawForm(request.POST or None, pool=services.default_inspector_pool(plan) if draw is None else [])
    confirm = None
    if request.method == "POST" and form.is_valid() and request.POST.get("confirm") != "yes":
        # A draw cannot be undone: first the summary (period, scope, facilities in the draw,
        # inspectors, seed), then the same answers posted again with the confirmation.
        chosen = list(form.cleaned_data["inspectors"]) or services.default_inspector_pool(plan)
        confirm = {
            "facilities": services.plan_population(plan).count(),
            "inspectors": len(chosen),
            "seed": form.cleaned_data["seed"],
            "answers": [
                (k, v) for k, values in request.POST.lists() if k != "csrfmiddlewaretoken" for v in values
            ],
        }
    elif request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["inspectors"]) or None
        try:
            services.plan_draw(
                plan=plan,
                actor=request.user,
                seed=form.cleaned_data["seed"],
                inspectors=chosen,
                request=request,
            )
        except PortalError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("抽取完成：抽中 %(n)s 家设施，结果已记录并可复核。") % {"n": plan.inspections.count()},
            )
            return redirect(plan)
    log = []
    if draw:
        kinds, bands = dict(FacilityKind.choices), dict(RiskBand.choices)
        for e in draw.log:
            log.append(
                {
                    **e,
                    "kind": kinds.get(e.get("kind"), e.get("kind")),
                    "band": bands.get(e.get("band"), e.get("band")),
                    "reason": _("运营人员") if e.get("reason") == "operator" else e.get("reason"),
                }
            )
    return render(
        request,
        "monitoring/plan_detail.html",
        {
            "plan": plan,
            "draw": draw,
            "form": form,
            "confirm": confirm,
            "inspections": inspections,
            "log": log,
            "reproducible": draw is not None and services.redraw(draw).targets == draw.result,
        },
    )


# ---------------------------------------------------------------------------------------------
# Risk schedule


@monitoring_user(inspectors_only=True)
def due_list(request):
    filterset = selectors.due_inspections(user=request.user, data=request.GET or None)
    return render(
        request,
        "monitoring/due_list.html",
        {
            "filter": filterset,
            "rows": sorted_page(request, filterset.qs, columns=DUE_COLUMNS),
            "today": timezone.localdate(),
        },
    )


@require_POST
@monitoring_user(inspectors_only=True)
def refresh_risk(request):
    if not access.can_refresh_risk(request.user):
        raise PermissionDenied
    n = services.risk_refresh(actor=request.user, request=request)
    messages.success(request, _("已重新计算 %(n)s 家设施的风险与应检日期。") % {"n": n})
    return redirect("monitoring:due_list")
