"""Staff pages under /manage/monitoring/. Thin: selectors read, services write."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from facilities.models import Facility, FacilityKind
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction, Role
from hechuan_portal.accounts.scope import is_district, scope_for
from hechuan_portal.residents.models import Resident

from . import exports, rules, selectors, services
from .access import can_manage_staff, can_record_inspection, finding_actors, is_inspector_user
from .error_codes import MESSAGES, MonitoringError
from .forms import (
    DrawForm,
    EvidenceForm,
    InspectionNewForm,
    InspectionRecordForm,
    MonthForm,
    PlanForm,
    ReviewForm,
    StaffForm,
    VisitForm,
)
from .models import (
    FindingEvidence,
    InspectionPhoto,
    InspectionPlan,
    InspectionStatus,
    RiskBand,
    StaffQualification,
)
from .rules import TransitionError, finding_actions_for
from .standards import config


def monitoring_user(view=None, *, inspectors_only: bool = False):
    """Logged in with a scope (auditors have none); `inspectors_only` also keeps operators out."""

    def decorator(fn):
        @wraps(fn)
        @login_required
        def wrapped(request, *args, **kwargs):
            if scope_for(request.user).nothing:
                raise PermissionDenied
            if inspectors_only and not is_inspector_user(request.user):
                raise PermissionDenied
            return fn(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view else decorator


def _page(request, qs, per_page: int = 50):
    """One page of `qs` (a COUNT and a slice: the query count does not grow with the rows)."""
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _apply_error(form, exc: MonitoringError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# ---------------------------------------------------------------------------------------------
# Dashboard


@monitoring_user
def index(request):
    user = request.user
    today = timezone.localdate()
    findings = selectors.finding_list(user=user).qs.unresolved()
    context = {
        "open_findings": findings.count(),
        "overdue_findings": findings.filter(deadline__lt=today).count(),
        "escalated": selectors.escalated_findings(user=user).count(),
        "is_inspector": is_inspector_user(user),
        "is_district": is_district(user),
        "expiring": selectors.expiring_certificates(user=user, today=today).count(),
        "understaffed": selectors.understaffed_facilities(user=user).count(),
    }
    if is_inspector_user(user):
        due = selectors.due_inspections(user=user, today=today).qs
        context["due_total"] = due.count()
        context["due_overdue"] = due.filter(next_due_on__lt=today).count()
        context["scheduled"] = (
            selectors.inspection_list(user=user)
            .qs.filter(status=InspectionStatus.SCHEDULED)
            .order_by("due_on", "pk")[:20]
        )
        visits = selectors.visit_candidates(user=user, today=today)
        context["visits_overdue"] = visits.filter(due_state__in=["overdue", "never"]).count()
    else:
        context["my_findings"] = findings.select_related("facility", "item")[:20]
    return render(request, "monitoring/index.html", context)


# ---------------------------------------------------------------------------------------------
# Inspections


@monitoring_user
def inspection_list(request):
    filterset = selectors.inspection_list(user=request.user, data=request.GET or None)
    rows = _page(request, filterset.qs.annotate(n_findings=Count("findings")))
    return render(request, "monitoring/inspection_list.html", {"filter": filterset, "rows": rows})


@monitoring_user
def inspection_export(request):
    filterset = selectors.inspection_list(user=request.user, data=request.GET or None)
    qs = filterset.qs.annotate(n_findings=Count("findings"))
    data = exports.inspections_xlsx(qs.iterator(chunk_size=2000))
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type="monitoring.inspection",
        reason="inspections_xlsx",
        changes={"filters": dict(request.GET.items())},
    )
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="inspections-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@monitoring_user(inspectors_only=True)
def inspection_new(request):
    form = InspectionNewForm(request.POST or None, user=request.user, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(
                facility=form.cleaned_data["facility"],
                topic=form.cleaned_data["topic"],
                due_on=form.cleaned_data["due_on"],
                user=request.user,
                request=request,
            )
        except MonitoringError as exc:
            _apply_error(form, exc)
        else:
            return redirect("monitoring:inspection_record", pk=inspection.pk)
    return render(request, "monitoring/inspection_new.html", {"form": form})


@monitoring_user
def inspection_detail(request, pk):
    inspection = get_object_or_404(selectors.inspection_detail_qs(request.user), pk=pk)
    answers = {a.item_id: a for a in inspection.answers.all()}
    photos: dict[int | None, list] = {}
    for p in inspection.photos.all():
        photos.setdefault(p.item_id, []).append(p)
    rows = [(item, answers.get(item.pk), photos.get(item.pk, [])) for item in inspection.template.items.all()]
    findings = inspection.findings.select_related("item")
    return render(
        request,
        "monitoring/inspection_detail.html",
        {
            "inspection": inspection,
            "rows": rows,
            "loose_photos": photos.get(None, []),
            "findings": findings,
            "can_record": inspection.status == InspectionStatus.SCHEDULED
            and can_record_inspection(request.user, inspection),
        },
    )


@monitoring_user(inspectors_only=True)
def inspection_record(request, pk):
    inspection = get_object_or_404(selectors.inspection_detail_qs(request.user), pk=pk)
    if inspection.status != InspectionStatus.SCHEDULED:
        messages.info(request, _("该检查已完成或已取消。"))
        return redirect(inspection)
    if not can_record_inspection(request.user, inspection):
        raise PermissionDenied
    items = list(inspection.template.items.all())
    form = InspectionRecordForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.inspection_record(
                inspection=inspection,
                user=request.user,
                answers=[
                    services.AnswerInput(i.pk, data[f"item_{i.pk}"], data.get(f"note_{i.pk}") or "")
                    for i in items
                ],
                notes=data["notes"],
                lng=data["lng"],
                lat=data["lat"],
                accuracy_m=data["accuracy"],
                location_note=data["location_note"],
                photos=[(i.pk, data[f"photo_{i.pk}"]) for i in items if data.get(f"photo_{i.pk}")],
                request=request,
            )
        except MonitoringError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("检查结果已保存。"))
            return redirect(inspection)
    facility = inspection.facility
    return render(
        request,
        "monitoring/inspection_record.html",
        {
            "inspection": inspection,
            "form": form,
            "facility_lng": facility.location.x,
            "facility_lat": facility.location.y,
            "max_distance": config()["max_location_distance_m"],
        },
    )


@require_POST
@monitoring_user(inspectors_only=True)
def inspection_cancel(request, pk):
    inspection = get_object_or_404(selectors.inspection_detail_qs(request.user), pk=pk)
    try:
        services.inspection_cancel(
            inspection=inspection, user=request.user, reason=request.POST.get("reason", ""), request=request
        )
    except (MonitoringError, TransitionError) as exc:
        messages.error(request, MESSAGES[exc.code])
    else:
        messages.success(request, _("检查已取消。"))
    return redirect(inspection)


def _serve(request, qs, pk):
    obj = get_object_or_404(qs, pk=pk)
    try:
        handle = obj.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=obj.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Inspection photos and rectification evidence may show people: never kept by a browser or proxy.
    response["Cache-Control"] = "no-store"
    return response


@monitoring_user
def photo(request, pk):
    from .models import Inspection

    visible = Inspection.objects.visible_to(request.user)
    return _serve(request, InspectionPhoto.objects.filter(inspection__in=visible), pk)


@monitoring_user
def evidence(request, pk):
    from .models import Finding

    visible = Finding.objects.visible_to(request.user)
    return _serve(request, FindingEvidence.objects.filter(finding__in=visible), pk)


# ---------------------------------------------------------------------------------------------
# Findings


@monitoring_user
def finding_list(request):
    filterset = selectors.finding_list(user=request.user, data=request.GET or None)
    return render(
        request,
        "monitoring/finding_list.html",
        {"filter": filterset, "rows": _page(request, filterset.qs), "today": timezone.localdate()},
    )


@monitoring_user
def finding_escalated(request):
    if not is_district(request.user):
        raise PermissionDenied
    return render(
        request,
        "monitoring/finding_escalated.html",
        {
            "rows": _page(request, selectors.escalated_findings(user=request.user)),
            "today": timezone.localdate(),
        },
    )


@monitoring_user
def finding_detail(request, pk):
    finding = get_object_or_404(selectors.finding_detail_qs(request.user), pk=pk)
    actions = finding_actions_for(finding.status, finding_actors(request.user, finding))
    evidence_form = EvidenceForm() if "submit" in actions else None
    review_form = ReviewForm() if "accept" in actions else None
    if request.method == "POST":
        try:
            if request.POST.get("step") == "submit" and "submit" in actions:
                evidence_form = EvidenceForm(request.POST, request.FILES)
                if evidence_form.is_valid():
                    services.finding_submit_evidence(
                        finding=finding,
                        user=request.user,
                        files=evidence_form.cleaned_data["files"],
                        note=evidence_form.cleaned_data["note"],
                        request=request,
                    )
                    messages.success(request, _("整改材料已提交，等待检查人员验收。"))
                    return redirect(finding)
            elif request.POST.get("step") == "review" and "accept" in actions:
                review_form = ReviewForm(request.POST)
                if review_form.is_valid():
                    services.finding_review(
                        finding=finding,
                        user=request.user,
                        action=review_form.cleaned_data["action"],
                        reason=review_form.cleaned_data["reason"],
                        request=request,
                    )
                    messages.success(request, _("验收结果已保存。"))
                    return redirect(finding)
            else:
                raise PermissionDenied
        except MonitoringError as exc:
            target = evidence_form if request.POST.get("step") == "submit" else review_form
            _apply_error(target, exc)
    return render(
        request,
        "monitoring/finding_detail.html",
        {
            "finding": finding,
            "evidence_form": evidence_form,
            "review_form": review_form,
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Plans and the draw


@monitoring_user(inspectors_only=True)
def plan_list(request):
    filterset = selectors.plan_list(user=request.user, data=request.GET or None)
    return render(
        request, "monitoring/plan_list.html", {"filter": filterset, "rows": _page(request, filterset.qs)}
    )


@monitoring_user(inspectors_only=True)
def plan_new(request):
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data.items())
        town = fields.pop("town", None)
        plan = services.plan_create(
            user=request.user, request=request, town_id=town.pk if town else None, **fields
        )
        return redirect(plan)
    return render(request, "monitoring/plan_new.html", {"form": form})


@monitoring_user(inspectors_only=True)
def plan_detail(request, pk):
    plan = get_object_or_404(InspectionPlan.objects.visible_to(request.user).select_related("town"), pk=pk)
    draw = getattr(plan, "draw", None)
    inspections = plan.inspections.select_related("facility", "facility__town").prefetch_related("inspectors")
    form = DrawForm(request.POST or None, pool=services.default_inspector_pool(plan) if draw is None else [])
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["inspectors"]) or None
        try:
            services.plan_draw(
                plan=plan,
                user=request.user,
                seed=form.cleaned_data["seed"],
                inspectors=chosen,
                request=request,
            )
        except MonitoringError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("抽取完成，结果已记录并可复核。"))
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
        {"filter": filterset, "rows": _page(request, filterset.qs), "today": timezone.localdate()},
    )


# ---------------------------------------------------------------------------------------------
# Staff qualifications


@monitoring_user
def staff_overview(request):
    today = timezone.localdate()
    facilities = (
        Facility.objects.visible_to(request.user)
        .select_related("town")
        .annotate(n_staff=Count("staff_qualifications"))
        .order_by("town_id", "name")
    )
    if request.user.role != Role.FACILITY_OPERATOR:
        facilities = facilities.filter(n_staff__gt=0) if not request.GET.get("all") else facilities
    return render(
        request,
        "monitoring/staff_overview.html",
        {
            "expiring": selectors.expiring_certificates(user=request.user, today=today)[:200],
            "understaffed": selectors.understaffed_facilities(user=request.user)[:200],
            "facilities": facilities[:300],
            "today": today,
        },
    )


@monitoring_user
def staff_facility(request, pk):
    facility = get_object_or_404(Facility.objects.visible_to(request.user).select_related("town"), pk=pk)
    can_edit = can_manage_staff(request.user, facility)
    form = StaffForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.staff_save(facility=facility, user=request.user, data=form.cleaned_data, request=request)
            messages.success(request, _("人员资质已保存。"))
            return redirect("monitoring:staff_facility", pk=facility.pk)
    staff = StaffQualification.objects.visible_to(request.user).filter(facility=facility)
    risk = getattr(facility, "risk", None)
    return render(
        request,
        "monitoring/staff_facility.html",
        {
            "facility": facility,
            "staff": staff,
            "form": form,
            "risk": risk,
            "today": timezone.localdate(),
            "warn_days": config()["certificate_warning_days"],
        },
    )


# ---------------------------------------------------------------------------------------------
# 探访关爱


def _audit_list(request, reason: str, count: int) -> None:
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="residents.resident",
        area_code=request.user.area_id or "",
        reason=reason,
        changes={"rows": count},
    )


@monitoring_user(inspectors_only=True)
def visit_due(request):
    today = timezone.localdate()
    community = request.GET.get("community") or None
    qs = selectors.visit_candidates(user=request.user, today=today, community=community)
    state = request.GET.get("state")
    if state in {"overdue", "never", "due", "ok"}:
        qs = qs.filter(due_state=state)
    rows = _page(request, qs)
    _audit_list(request, "visit_due_list", len(rows.object_list))
    from hechuan_portal.areas.models import AdminArea

    communities = AdminArea.objects.communities()
    if not is_district(request.user):
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
            services.visit_record(resident=resident, user=request.user, request=request, **data)
        except MonitoringError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("探访记录已保存。"))
            return redirect("monitoring:visit_due")
    today = timezone.localdate()
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        obj=resident,
        area_code=resident.town_id or "",
        reason="visit_form",
    )
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


def _month(request):
    form = MonthForm(request.GET or None)
    today = timezone.localdate()
    year, month = today.year, today.month
    if form.is_valid() and form.cleaned_data.get("month"):
        year, month = (int(x) for x in form.cleaned_data["month"].split("-"))
    return form, year, month


@monitoring_user(inspectors_only=True)
def visit_rates(request):
    form, year, month = _month(request)
    communities, towns = selectors.visit_rates(user=request.user, year=year, month=month)
    return render(
        request,
        "monitoring/visit_rates.html",
        {
            "form": form,
            "communities": communities,
            "towns": towns,
            "month": f"{year:04d}-{month:02d}",
            "target": config()["visit_rate_target"],
        },
    )


@monitoring_user(inspectors_only=True)
def visit_rates_export(request):
    form, year, month = _month(request)
    label = f"{year:04d}-{month:02d}"
    communities, towns = selectors.visit_rates(user=request.user, year=year, month=month)
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


@require_POST
@monitoring_user(inspectors_only=True)
def refresh_risk(request):
    if not is_district(request.user):
        raise PermissionDenied
    n = services.risk_refresh()
    audit_record(
        action=AuditAction.RUN,
        request=request,
        object_type="monitoring.facilityrisk",
        reason="risk_refresh",
        changes={"facilities": n},
    )
    messages.success(request, _("已重新计算 %(n)s 家设施的风险与应检日期。") % {"n": n})
    return redirect("monitoring:due_list")
