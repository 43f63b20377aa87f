"""Staff pages under /manage/facilities/: thin views over selectors and services."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.scope import scope_for
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common.errors import PortalError, form_error
from hechuan_portal.common.exports import BOLD, XLSX_CONTENT_TYPE, XlsxBook, safe_cell
from hechuan_portal.common.fragments import cached_parts
from hechuan_portal.common.listing import apply_ordering, sorted_page
from hechuan_portal.common.ratios import figure_value

from . import access, import_jobs, selectors, services, standards
from .error_codes import ErrorCode
from .forms import CapacityForm, FacilityForm, ImportForm, StatusForm
from .models import Facility
from .resources import FacilityResource
from .services import TOPIC
from .tasks import job_report


def _require(check, user, obj=None) -> None:
    """A page the user may not open is Django's 403 page (services refuse with PortalError)."""
    if not (check(user) if obj is None else check(user, obj)):
        raise PermissionDenied


def _facility_or_404(request, pk) -> Facility:
    return get_object_or_404(selectors.facility_base(request.user), pk=pk)


def _map_focus(user) -> list[list[float]]:
    """[[south, west], [north, east]] of the user's town boundary, else of the district."""
    scope = scope_for(user)
    if scope.town_code:
        town = AdminArea.objects.filter(code=scope.town_code, boundary__isnull=False).first()
        if town is not None:
            xmin, ymin, xmax, ymax = town.boundary.extent
            return [[ymin, xmin], [ymax, xmax]]
    min_lng, min_lat, max_lng, max_lat = standards.DISTRICT_EXTENT
    return [[min_lat, min_lng], [max_lat, max_lng]]


# The staff list's column heads sort by these (`?ordering=-beds`); the filters stay in the URL.
LIST_COLUMNS = {
    "name": "name",
    "kind": ("kind", "name"),
    "town": ("town_id", "name"),
    "status": ("status", "name"),
    "beds": "beds_total",
    "places": "places_total",
    "reported": "capacity_reported_at",
}


@login_required
def facility_list(request):
    _require(access.can_view_registry, request.user)
    query = request.GET.copy()
    query.pop("page", None)

    def parts() -> dict[str, str]:
        filterset = selectors.facility_list(user=request.user, params=request.GET)
        qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        context = {
            "filterset": filterset,
            "page": sorted_page(request, qs, columns=LIST_COLUMNS),
            "stats": selectors.facility_stats(qs),
            "query": query.urlencode(),
        }
        return {
            "filters": render_to_string("facilities/_list_filters.html", context, request),
            "table": render_to_string("facilities/_list_table.html", context, request),
        }

    # The filters and the rows are the same for everyone in the scope: rendered once per change of
    # the facilities (their writers bump the version, common/fragments.py), not on every request.
    return render(
        request,
        "facilities/list.html",
        {"parts": cached_parts(request, TOPIC, parts), "query": query.urlencode()},
    )


@login_required
def facility_detail(request, pk):
    _require(access.can_view_registry, request.user)
    facility = _facility_or_404(request, pk)
    return render(
        request,
        "facilities/detail.html",
        {
            "facility": facility,
            "history": selectors.facility_detail_history(facility),
            "status_form": StatusForm(facility=facility),
            "capacity_form": CapacityForm(instance=facility)
            if access.can_report_capacity(request.user, facility)
            else None,
        },
    )


def _map_nonce(form, request) -> None:
    """The Leaflet widget's inline script must carry this response's CSP nonce, or it is blocked."""
    if "location" in form.fields:
        form.fields["location"].widget.csp_nonce = getattr(request, "csp_nonce", None)


@login_required
def facility_create(request):
    _require(access.can_manage, request.user)
    form = FacilityForm(request.POST or None, user=request.user)
    _map_nonce(form, request)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        data["status"] = form.cleaned_data["status"]
        try:
            facility = services.facility_create(actor=request.user, data=data, request=request)
        except (PortalError, ValidationError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已新增设施“%(name)s”。") % {"name": facility.name})
            return redirect(facility.get_absolute_url())
    return render(
        request,
        "facilities/form.html",
        {"form": form, "creating": True, "map_focus": _map_focus(request.user)},
    )


@login_required
def facility_edit(request, pk):
    _require(access.can_report_capacity, request.user)
    facility = _facility_or_404(request, pk)
    full = access.can_manage(request.user, facility)
    form_class = FacilityForm if full else CapacityForm
    kwargs = {"user": request.user} if full else {}
    form = form_class(request.POST or None, instance=facility, **kwargs)
    _map_nonce(form, request)
    if request.method == "POST" and form.is_valid():
        # the fields the facility's kind has (CapacityForm drops the others)
        data = {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.cleaned_data}
        try:
            if full:
                services.facility_update(actor=request.user, facility=facility, data=data, request=request)
            else:
                services.facility_report_capacity(
                    actor=request.user, facility=facility, data=data, request=request
                )
        except (PortalError, ValidationError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(facility.get_absolute_url())
    return render(
        request,
        "facilities/form.html",
        {
            "form": form,
            "facility": facility,
            "creating": False,
            "full": full,
            "map_focus": _map_focus(request.user),
        },
    )


@login_required
@require_POST
def facility_capacity(request, pk):
    """The operator's one-tap capacity report from the detail page."""
    _require(access.can_report_capacity, request.user)
    facility = _facility_or_404(request, pk)
    form = CapacityForm(request.POST, instance=facility)
    if form.is_valid():
        try:
            services.facility_report_capacity(
                actor=request.user, facility=facility, data=form.cleaned_data, request=request
            )
        except PortalError as exc:
            messages.error(request, exc.detail)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("容量已上报。"))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(facility.get_absolute_url())


@login_required
@require_POST
def facility_status(request, pk):
    _require(access.can_manage, request.user)
    facility = _facility_or_404(request, pk)
    form = StatusForm(request.POST, facility=facility)
    if form.is_valid():
        try:
            services.facility_set_status(
                actor=request.user,
                facility=facility,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PortalError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("状态已变更。"))
    else:
        messages.error(request, _("请选择新状态。"))
    return redirect(facility.get_absolute_url())


EXPORT_FORMATS = {
    "xlsx": ("xlsx", XLSX_CONTENT_TYPE, None),
    "csv": ("csv", "text/csv; charset=utf-8", "utf-8-sig"),
    "csv_gbk": ("csv", "text/csv; charset=gbk", "gb18030"),
}
# Stored as text in the XLSX (codes and phone numbers keep their leading zeros and digits).
_TEXT_COLUMNS = ("镇街代码", "村社区代码", "电话")


def _export_body(dataset, fmt: str) -> bytes:
    """The file a person reads: headers in the page's language (choice values stay the district's
    Chinese names), local times, 是/否; XLSX text as string cells, CSV guarded only where a
    spreadsheet would evaluate a cell."""
    names = list(dataset.headers)
    headers = [_(name) for name in names]
    ext, _type, encoding = EXPORT_FORMATS[fmt]
    if ext == "xlsx":
        buffer = io.BytesIO()
        with (
            XlsxBook(buffer) as book,
            book.sheet(
                _("设施名录"),
                widths=[24 if n in ("名称", "地址", "运营主体", "服务内容") else 12 for n in names],
                text_columns=[i for i, n in enumerate(names) if n in _TEXT_COLUMNS],
                freeze_rows=1,
            ) as sheet,
        ):
            sheet.row(headers, style=BOLD)
            for row in dataset:
                sheet.row(row)
        return buffer.getvalue()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([safe_cell(v) for v in row] for row in dataset)
    return out.getvalue().encode(encoding, errors="replace")


@login_required
def facility_export(request):
    """The filtered list as XLSX or CSV (UTF-8 BOM for Excel, or GBK for older WPS/Excel)."""
    _require(access.can_export, request.user)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    filterset = selectors.facility_list(user=request.user, params=request.GET)
    if not filterset.is_valid():
        raise Http404
    _key, qs = apply_ordering(filterset.qs, request.GET.get("ordering"), LIST_COLUMNS)
    dataset = FacilityResource(actor=request.user).export(qs)
    body = _export_body(dataset, fmt)
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type="facilities.facility",
        reason=_("设施名录导出"),
        changes={"rows": len(dataset), "format": fmt},
    )
    ext, content_type, _encoding = EXPORT_FORMATS[fmt]
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="facilities-{stamp}.{ext}"'
    return response


@login_required
def facility_import(request):
    """Upload → the preview runs as a Celery task (the job page shows its progress)."""
    _require(access.can_import, request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job_id = services.facilities_import_enqueue(actor=request.user, upload=form.cleaned_data["file"])
        except PortalError as exc:
            form_error(form, exc)
        else:
            return redirect("facilities:import_job", job=job_id)
    return render(request, "facilities/import.html", {"form": form})


@login_required
def facility_import_job(request, job):
    """A queued preview or import: progress while it runs, then the report; POST confirms."""
    _require(access.can_import, request.user)
    data = import_jobs.get(job)
    if data is None or data["user"] != request.user.pk:
        raise Http404
    if request.method == "POST":
        try:
            services.facilities_import_confirm(actor=request.user, job_id=job, job=data)
        except PortalError as exc:
            messages.error(request, exc.detail)
        return redirect("facilities:import_job", job=job)
    report = job_report(data)
    if (
        data["state"] == import_jobs.DONE
        and report
        and report.written
        and not request.headers.get("HX-Request")
    ):
        messages.success(
            request,
            _("导入完成：新增 %(created)d 个，更新 %(updated)d 个。")
            % {"created": report.created, "updated": report.updated},
        )
    context = {
        "job": data,
        "job_id": job,
        "report": report,
        "running": data["state"] in import_jobs.ACTIVE,
        "can_confirm": data["state"] == import_jobs.PREVIEWED and report is not None and report.ok,
    }
    template = (
        "facilities/_import_job.html" if request.headers.get("HX-Request") else "facilities/import.html"
    )
    return render(request, template, context)


@login_required
def facility_import_discard(request, job):
    """Refusing a preview: a summary of what would be thrown away (file, rows, errors) and a
    confirmation; POST discards the upload and says so on the upload page."""
    _require(access.can_import, request.user)
    data = import_jobs.get(job)
    if data is None or data["user"] != request.user.pk:
        raise Http404
    if data["state"] != import_jobs.PREVIEWED:
        messages.error(request, PortalError(ErrorCode.IMPORT_EXPIRED).detail)
        return redirect("facilities:import_job", job=job)
    report = job_report(data)
    if request.method == "POST":
        try:
            services.facilities_import_discard(actor=request.user, job_id=job, job=data)
        except PortalError as exc:
            messages.error(request, exc.detail)
            return redirect("facilities:import_job", job=job)
        messages.success(
            request,
            _("已放弃导入“%(name)s”（%(rows)d 行）：未写入任何数据，上传的文件已删除。")
            % {"name": data.get("name") or job, "rows": data.get("rows") or 0},
        )
        return redirect("facilities:import")
    return render(request, "facilities/import_discard.html", {"job": data, "job_id": job, "report": report})


@login_required
def coverage(request):
    """The service circle: map of covered/uncovered communities, a table per town, site suggestions."""
    _require(access.can_plan_coverage, request.user)
    layers = list(selectors.coverage_layers())
    if not layers:
        raise Http404
    code = request.GET.get("layer") or layers[0].code
    layer = next((candidate for candidate in layers if candidate.code == code), layers[0])
    try:
        k = max(1, min(int(request.GET.get("k", 5)), 20))
    except ValueError:
        k = 5
    towns = selectors.coverage_by_town(user=request.user, layer=layer)
    suggestions = selectors.coverage_suggestions(user=request.user, layer=layer, k=k)
    return render(
        request,
        "facilities/coverage.html",
        {
            "layers": layers,
            "layer": layer,
            "towns": towns,
            "totals": {
                "communities": sum(t.communities for t in towns),
                "covered": sum(t.covered for t in towns),
                "people": sum(t.people for t in towns),
                "uncovered_people": sum(t.uncovered_people for t in towns),
                "share": figure_value(
                    sum(t.covered_people for t in towns), sum(t.people for t in towns), 100
                ),
            },
            "weighting": selectors.coverage_weighting(towns),
            "suggestions": suggestions,
            "suggestion_points": [
                {"rank": s.rank, "name": s.name, "lng": s.lng, "lat": s.lat} for s in suggestions
            ],
            "k": k,
            "run": selectors.coverage_last_run(),
            "can_refresh": access.can_refresh_coverage(request.user),
        },
    )


@login_required
@require_POST
def coverage_refresh(request):
    """Recompute on demand: queued to Celery (synchronously when tasks run eagerly)."""
    _require(access.can_refresh_coverage, request.user)
    services.coverage_refresh_later(actor=request.user)
    messages.success(request, _("已提交服务圈重新计算，稍后刷新本页查看结果。"))
    url = reverse("facilities:coverage")
    layer = request.POST.get("layer", "")
    return redirect(f"{url}?layer={layer}" if layer.isidentifier() else url)
