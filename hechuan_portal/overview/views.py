"""Overview pages: thin wrappers over the selectors; scope decided by overview_area_for()."""

from __future__ import annotations

import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.scope import is_district, scope_for
from hechuan_portal.areas.models import DISTRICT_CODE, AdminArea

from . import rules, selectors
from .exports import report_workbook
from .models import MonthlyReport
from .registry import get as get_indicator
from .services import snapshot_refresh


def current_period():
    return rules.month_start(timezone.localdate())


def _period(request):
    return rules.parse_period(request.GET.get("period"), default=current_period())


def _indicator_or_404(code: str):
    indicator = get_indicator(code)
    if indicator is None:
        raise Http404
    return indicator


def _overview_user(request):
    try:
        return selectors.overview_area_for(request.user)
    except PermissionDenied:
        raise Http404 from None


@login_required
def indicator_detail(request, code: str):
    area = _overview_user(request)
    indicator = _indicator_or_404(code)
    if area != DISTRICT_CODE:
        return redirect("overview:town", code=code, town=area)
    data = selectors.indicator_by_town(user=request.user, indicator=indicator, period=_period(request))
    chart = {
        "names": [t["area"].name for t in data["towns"]],
        "values": [float(t["value"]) if t["value"] is not None else None for t in data["towns"]],
        "target": float(data["target"].target) if data["target"] else None,
        "unit": str(indicator.unit),
    }
    points = [
        {
            "code": t["area"].code,
            "name": t["area"].name,
            "lng": t["area"].centroid.x,
            "lat": t["area"].centroid.y,
            "value": float(t["value"]) if t["value"] is not None else None,
            "status": t["status"],
            # A choropleth when the town's boundary is loaded (simplified to keep the page small).
            "boundary": json.loads(t["area"].boundary.simplify(0.0005, preserve_topology=True).geojson)
            if t["area"].boundary
            else None,
        }
        for t in data["towns"]
        if t["area"].centroid
    ]
    return render(request, "overview/indicator.html", {**data, "chart": chart, "points": points})


@login_required
def town_detail(request, code: str, town: str):
    _overview_user(request)
    indicator = _indicator_or_404(code)
    area = get_object_or_404(AdminArea.objects.towns(), code=town)
    try:
        data = selectors.town_trend(
            user=request.user, indicator=indicator, town_code=town, period=_period(request)
        )
    except PermissionDenied:
        raise Http404 from None
    chart = {
        "months": [m for m, _v in data["series"]],
        "values": [float(v) if v is not None else None for _m, v in data["series"]],
        "target": float(data["target"].target) if data["target"] else None,
        "unit": str(indicator.unit),
    }
    return render(request, "overview/town.html", {**data, "town": area, "chart": chart})


@login_required
def report(request):
    _overview_user(request)
    period = _period(request)
    table = selectors.report_table(user=request.user, period=period)
    if request.GET.get("format") == "xlsx":
        audit_record(
            action=AuditAction.EXPORT,
            request=request,
            object_type="overview.report",
            object_id=f"{period:%Y-%m}",
            area_code=scope_for(request.user).town_code or DISTRICT_CODE,
        )
        buf = io.BytesIO()
        report_workbook(table).save(buf)
        response = HttpResponse(
            buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="hechuan-report-{period:%Y-%m}.xlsx"'
        return response
    kept = MonthlyReport.objects.all()[:24] if is_district(request.user) else []
    return render(request, "overview/report.html", {**table, "kept": kept})


@login_required
def report_download(request, pk: int):
    if not is_district(request.user):
        raise Http404
    kept = get_object_or_404(MonthlyReport, pk=pk)
    audit_record(action=AuditAction.EXPORT, request=request, obj=kept, object_id=f"{kept.period:%Y-%m}")
    return FileResponse(kept.file.open("rb"), as_attachment=True, filename=kept.file.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def refresh(request):
    if not is_district(request.user):
        raise Http404
    period = current_period()
    snapshot_refresh(period=period)
    audit_record(
        action=AuditAction.RUN, request=request, object_type="overview.snapshot", object_id=f"{period:%Y-%m}"
    )
    messages.success(request, _("已重新计算本月指标。"))
    return redirect("manage:home")
