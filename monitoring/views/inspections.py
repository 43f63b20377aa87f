"""Inspections: lists, export, scheduling, recording on site, cancelling, photos."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.common.errors import PortalError, form_error
from hechuan_portal.common.listing import sorted_page
from hechuan_portal.common.uploads import serve_upload

from .. import access, exports, selectors, services
from ..forms import InspectionNewForm, InspectionRecordForm
from ..models import Inspection, InspectionPhoto, InspectionStatus
from ..standards import config
from .base import monitoring_user

INSPECTION_COLUMNS = {
    "facility": "facility__name",
    "town": ("facility__town_id", "facility__name"),
    "topic": "template__topic",
    "status": "status",
    "date": ("inspected_at", "due_on"),
    "score": "score",
    "result": "result",
    "location": "location_check",
    "findings": "n_findings",
}


@monitoring_user
def inspection_list(request):
    filterset = selectors.inspection_list(user=request.user, data=request.GET or None)
    rows = sorted_page(request, selectors.with_finding_counts(filterset.qs), columns=INSPECTION_COLUMNS)
    return render(request, "monitoring/inspection_list.html", {"filter": filterset, "rows": rows})


@monitoring_user
def inspection_export(request):
    filterset = selectors.inspection_list(user=request.user, data=request.GET or None)
    qs = selectors.with_finding_counts(filterset.qs)
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
                actor=request.user,
                request=request,
            )
        except PortalError as exc:
            form_error(form, exc)
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
            and access.can_record_inspection(request.user, inspection),
        },
    )


@monitoring_user(inspectors_only=True)
def inspection_record(request, pk):
    inspection = get_object_or_404(selectors.inspection_detail_qs(request.user), pk=pk)
    if inspection.status != InspectionStatus.SCHEDULED:
        messages.info(request, _("该检查已完成或已取消。"))
        return redirect(inspection)
    if not access.can_record_inspection(request.user, inspection):
        raise PermissionDenied
    items = list(inspection.template.items.all())
    form = InspectionRecordForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.inspection_record(
                inspection=inspection,
                actor=request.user,
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
        except PortalError as exc:
            form_error(form, exc)
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
            inspection=inspection, actor=request.user, reason=request.POST.get("reason", ""), request=request
        )
    except PortalError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("检查已取消。"))
    return redirect(inspection)


@monitoring_user
def photo(request, pk):
    visible = Inspection.objects.visible_to(request.user)
    return serve_upload(
        request, InspectionPhoto.objects.filter(inspection__in=visible), pk, town="inspection__facility__town"
    )
