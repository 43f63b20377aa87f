"""Overview pages: the staff home's dashboard, the indicator and town pages, the monthly report.

Thin wrappers over the selectors; who sees what is `access.py`. This month's snapshot is built on its
first viewing (`services.snapshot_ensure`) before the selectors read it.
"""

from __future__ import annotations

import datetime as dt
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.scope import scope_for
from hechuan_portal.areas.models import DISTRICT_CODE, AdminArea
from hechuan_portal.common.months import month_start, parse_month

from . import access, selectors
from .exports import report_workbook
from .indicators import Indicator, by_code
from .models import MonthlyReport
from .services import snapshot_ensure, snapshot_refresh


def current_period() -> dt.date:
    return month_start(timezone.localdate())


def _period(request: HttpRequest) -> dt.date:
    return parse_month(request.GET.get("period")) or current_period()


def _indicator_or_404(code: str) -> Indicator:
    indicator = by_code(code)
    if indicator is None:
        raise Http404
    return indicator


def _viewer_or_404(request: HttpRequest) -> None:
    """Operators and auditors have no overview: its pages do not exist for them."""
    if not access.can_view(request.user):
        raise Http404


@login_required
def manage_home(request):
    """Staff home: headline indicators for the user's area (district or town), then the sections."""
    scope = scope_for(request.user)
    area = AdminArea.objects.filter(code=scope.town_code).first() if scope.town_code else None
    dash = None  # operators and auditors have no area figures
    if access.can_view(request.user):
        period = current_period()
        snapshot_ensure(period=period, actor=request.user)
        dash = selectors.dashboard(user=request.user, period=period)
    return render(request, "manage/home.html", {"scope": scope, "scope_area": area, "dash": dash})


@login_required
def indicator_detail(request, code: str):
    _viewer_or_404(request)
    area = selectors.overview_area(request.user)
    indicator = _indicator_or_404(code)
    if area != DISTRICT_CODE:
        return redirect("overview:town", code=code, town=area)
    period = _period(request)
    snapshot_ensure(period=period, actor=request.user)
    data = selectors.indicator_by_town(user=request.user, indicator=indicator, period=period)
    chart = {
        "names": [t["area"].name for t in data["towns"]],
        "values": [float(t["value"]) if t["value"] is not None else None for t in data["towns"]],
        "target": float(data["target"].target) if data["target"] else None,
        "target_name": _("目标"),
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
    _viewer_or_404(request)
    indicator = _indicator_or_404(code)
    area = get_object_or_404(AdminArea.objects.towns(), code=town)
    if not access.can_view_town(request.user, town):
        raise Http404
    data = selectors.town_trend(user=request.user, indicator=indicator, town_code=town, period=_period(request))
    chart = {
        "months": [m for m, _v in data["series"]],
        "values": [float(v) if v is not None else None for _m, v in data["series"]],
        "target": float(data["target"].target) if data["target"] else None,
        "unit": str(indicator.unit),
    }
    return render(request, "overview/town.html", {**data, "town": area, "chart": chart})


@login_required
def report(request):
    _viewer_or_404(request)
    period = _period(request)
    snapshot_ensure(period=period, actor=request.user)
    table = selectors.report_table(user=request.user, period=period)
    if request.GET.get("format") == "xlsx" and access.can_export(request.user):
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
    kept = MonthlyReport.objects.all()[:24] if access.can_download_kept(request.user) else []
    return render(request, "overview/report.html", {**table, "kept": kept})


@login_required
def report_download(request, pk: int):
    if not access.can_download_kept(request.user):
        raise Http404
    kept = get_object_or_404(MonthlyReport, pk=pk)
    audit_record(action=AuditAction.EXPORT, request=request, obj=kept, object_id=f"{kept.period:%Y-%m}")
    return FileResponse(kept.file.open("rb"), as_attachment=True, filename=kept.file.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def refresh(request):
    if not access.can_refresh(request.user):
        raise Http404
    period = current_period()
    snapshot_refresh(period=period, actor=request.user)
    audit_record(
        action=AuditAction.RUN, request=request, object_type="overview.snapshot", object_id=f"{period:%Y-%m}"
    )
    messages.success(request, _("已重新计算本月指标。"))
    return redirect("manage:home")
