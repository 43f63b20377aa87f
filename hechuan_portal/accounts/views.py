"""Login (password + optional TOTP), logout, re-authentication, TOTP set-up, lockout page, and the
auditor's search of the audit log."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django_otp import login as otp_login

from hechuan_portal.api import error_body
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.jobstate import ACTIVE, DONE
from hechuan_portal.common.listing import sorted_page

from . import access, export_jobs
from .audit import audit_read, audit_record
from .error_codes import AccountsCode
from .filters import AuditEventFilter
from .forms import LoginForm, OtpConfirmForm, OtpRebindForm, ReauthForm
from .middleware import OTP_SETUP_PENDING_KEY, otp_required_for
from .models import AuditAction, AuditEvent
from .otp import base32_secret, confirmed_device, otpauth_uri, pending_device, qr_svg
from .reauth import last_download, mark_reauthenticated, note_download, reauth_required
from .services import user_credentials_end


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        # auth_login (inside) rotates the session key: a session id planted before login is useless.
        response = super().form_valid(form)
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)
        elif otp_required_for(self.request.user):
            self.request.session[OTP_SETUP_PENDING_KEY] = True
            messages.warning(self.request, _("您的角色须使用二次验证，请先完成动态口令设置。"))
            return redirect("accounts:otp_setup")
        return response


class LogoutView(auth_views.LogoutView):
    pass


def lockout_response(request, original_response=None, credentials=None):
    """django-axes: the answer to a login while the (account, address) pair is locked."""
    error = PortalError(AccountsCode.LOCKED_OUT, status=429)
    message = error.detail
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(error.code, message), status=429)
    form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "lockout_message": message}, status=429)


def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


class ReauthView(LoginRequiredMixin, View):
    """Re-enter the password before a reveal or a bulk export (accounts/reauth.py)."""

    template_name = "accounts/reauth.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            {"form": ReauthForm(request=request), "next": _safe_next(request, "")},
        )

    def post(self, request):
        form = ReauthForm(request.POST, request=request)
        if form.is_valid():
            mark_reauthenticated(request)
            audit_record(
                action=AuditAction.LOGIN, request=request, obj=request.user, reason=_("再次验证身份")
            )
            target = _safe_next(request, "manage:home")
            if _is_download(target):
                # A redirect to a file leaves the browser on this filled-in form with no sign the
                # download started: show a page that starts it and says what came down.
                return render(
                    request,
                    "accounts/reauth_download.html",
                    {"target": target, "since": int(time.time()), "back": _download_back(request)},
                )
            return redirect(target)
        return render(
            request, self.template_name, {"form": form, "next": _safe_next(request, "")}, status=400
        )


def _is_download(target: str) -> bool:
    """Export views are named `…export` in every app's urls.py; one that starts a background export
    (`starts_export_job`) leads to the job's page instead, and the job's file is a download."""
    try:
        match = resolve(urlsplit(target).path)
    except Resolver404:
        return False
    if getattr(match.func, "starts_export_job", False):
        return False
    return (match.url_name or "").endswith("export") or match.url_name == "export_file"


def _download_back(request) -> str:
    """The page the export link was on (the re-authentication page's own referrer), if ours."""
    back = request.POST.get("back") or ""
    return back if back and url_has_allowed_host_and_scheme(back, {request.get_host()}) else ""


@login_required
def download_status(request):
    """JSON for the download page: the file an export sent after `since`, or nothing yet."""
    try:
        since = int(request.GET.get("since", "0"))
    except ValueError:
        since = 0
    return JsonResponse({"download": last_download(request, since)})


@login_required
def export_job(request, job):
    """A long export's page: its progress while the task runs (htmx polls this fragment), then the
    download link. Another user's job, or an expired one, is not found."""
    data = export_jobs.get(job, request.user)
    if data is None:
        raise Http404
    context = {"job": data, "job_id": job, "running": data["state"] in ACTIVE}
    if request.headers.get("HX-Request"):
        return render(request, "accounts/_export_job.html", context)
    return render(request, "accounts/export_job.html", context)


@login_required
@reauth_required
def export_file(request, job):
    """The built file, to the job's owner after a fresh re-authentication; the download is audited
    (`audit_read`: which records, how many rows) and noted for the page that started it."""
    data = export_jobs.get(job, request.user)
    body = export_jobs.file_body(job) if data is not None and data["state"] == DONE else None
    if body is None:
        raise Http404
    audit_read(
        request,
        model=apps.get_model(data["model"]),
        rows=data["rows"],
        reason=_("下载导出文件 %(name)s") % {"name": data["filename"]},
    )
    note_download(request, name=data["filename"], rows=data["rows"])
    response = HttpResponse(body, content_type=data["content_type"])
    response["Content-Disposition"] = f'attachment; filename="{data["filename"]}"'
    return response


class OtpSetupView(LoginRequiredMixin, View):
    """Show the secret (text, otpauth URI and QR code) and confirm it with one code."""

    template_name = "accounts/otp_setup.html"

    def _context(self, request, form):
        existing = confirmed_device(request.user)
        device = pending_device(request.user)
        uri = otpauth_uri(device)
        return {
            "form": form,
            "existing": existing,
            "secret": base32_secret(device),
            "otpauth_uri": uri,
            "qr_svg": qr_svg(uri),
            "required": otp_required_for(request.user),
        }

    def _form(self, request, data=None):
        device = pending_device(request.user)
        existing = confirmed_device(request.user)
        if existing is None:
            return OtpConfirmForm(data, device=device)
        return OtpRebindForm(data, device=device, existing=existing, request=request)

    def get(self, request):
        return render(request, self.template_name, self._context(request, self._form(request)))

    def post(self, request):
        form = self._form(request, request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self._context(request, form), status=400)
        device = form.device
        rebinding = isinstance(form, OtpRebindForm)
        # One authenticator per user: the newly confirmed device replaces any older one.
        request.user.totpdevice_set.exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        if rebinding:
            # Other sessions and tokens were signed in with the old device: they end; this one stays.
            user_credentials_end(user=request.user, actor=request.user, reason="otp_removed")
            update_session_auth_hash(request, request.user)
        otp_login(request, device)
        request.session.pop(OTP_SETUP_PENDING_KEY, None)
        audit_record(action=AuditAction.UPDATE, request=request, obj=request.user, reason=_("设置二次验证"))
        messages.success(request, _("二次验证已启用，下次登录请输入动态口令。"))
        return redirect("manage:home")


AUDIT_PAGE_SIZE = 50


def audit_search(request):
    """The auditor's search of the audit log: who, action, object, date range; 50 rows a page."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    if not access.can_read_audit_log(request.user):
        raise PermissionDenied
    filterset = AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.order_by("-at", "-id"))
    qs = (
        filterset.qs
        if filterset.is_bound and filterset.is_valid()
        else AuditEvent.objects.order_by("-at", "-id")
    )
    page = sorted_page(request, qs, per_page=AUDIT_PAGE_SIZE)
    # Reading the audit log is itself audited (after the search, so it never shows in its own page).
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="accounts.auditevent",
        reason=_("审计日志查询"),
        changes={k: v for k, v in request.GET.items() if k in AuditEventFilter.base_filters and v},
    )
    return render(request, "accounts/audit_list.html", {"filterset": filterset, "page": page})
