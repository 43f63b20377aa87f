"""Re-authentication before bulk exports and revealing full ID numbers.

A user re-enters their password at /accounts/reauth/; the time is stored in the session and unlocks
wrapped views for REAUTH_MAX_AGE seconds (10 minutes). Wrap every view that reveals a full ID number
or exports personal data in bulk:

    from hechuan_portal.accounts.permissions import IsAuthenticatedNotAuditor
    from hechuan_portal.accounts.reauth import reauth_required, ReauthRequiredMixin, ReauthRequired

    @reauth_required                       # function view
    def resident_reveal(request, pk): ...

    class PayrollExportView(ReauthRequiredMixin, View): ...   # class-based view (mixin first)

    class ResidentViewSet(viewsets.ModelViewSet):
        @action(detail=True, permission_classes=[IsAuthenticatedNotAuditor, ReauthRequired])
        def reveal(self, request, pk=None): ...             # API: session time or X-Reauth-Password

An HTML request without a fresh re-authentication is redirected to the password page and comes back;
an API request gets 403 `{"code": "reauth_required", …}`. A token client may instead send its
password in the `X-Reauth-Password` header (checked through the lockout counter). The wrapped view
still records its own audit event (REVEAL / EXPORT) with the reason.
"""

from __future__ import annotations

import functools
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from hechuan_portal.common.errors import PortalError

from .error_codes import AccountsCode

REAUTH_SESSION_KEY = "portal_reauth_at"
REAUTH_HEADER = "HTTP_X_REAUTH_PASSWORD"
DOWNLOAD_SESSION_KEY = "portal_last_download"


def note_download(request: HttpRequest, *, name: str, rows: int) -> None:
    """Remember the file an export view just sent (name, rows), so the page that started the
    download after re-authentication can say what was downloaded (`accounts:download_status`)."""
    request.session[DOWNLOAD_SESSION_KEY] = {"name": name, "rows": rows, "at": int(time.time())}


def last_download(request: HttpRequest, since: int) -> dict | None:
    """The file noted by `note_download` at or after `since` (epoch seconds), if any."""
    note = request.session.get(DOWNLOAD_SESSION_KEY)
    return note if note and note.get("at", 0) >= since else None


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[REAUTH_SESSION_KEY] = int(time.time())


def is_recently_reauthenticated(request: HttpRequest, max_age: int | None = None) -> bool:
    """True when the password was re-entered in this session within `max_age` seconds."""
    if not request.user.is_authenticated:
        return False
    at = request.session.get(REAUTH_SESSION_KEY) if hasattr(request, "session") else None
    max_age = settings.REAUTH_MAX_AGE if max_age is None else max_age
    return at is not None and 0 <= time.time() - at <= max_age


def _password_header_ok(request: HttpRequest) -> bool:
    password = request.META.get(REAUTH_HEADER)
    if not password or not request.user.is_authenticated:
        return False
    user = authenticate(request, username=request.user.get_username(), password=password)
    return user is not None and user.pk == request.user.pk


def reauth_url(next_path: str) -> str:
    return f"{reverse('accounts:reauth')}?{urlencode({'next': next_path})}"


def _refuse(request: HttpRequest):
    if request.path.startswith("/api/"):
        body = PortalError(AccountsCode.REAUTH_REQUIRED).body()
        return JsonResponse({**body, "reauth_url": reauth_url(request.get_full_path())}, status=403)
    return redirect(reauth_url(request.get_full_path()))


def reauth_required(view=None, *, max_age: int | None = None):
    """Decorator for function views; `@reauth_required` or `@reauth_required(max_age=300)`."""

    def decorate(func):
        @functools.wraps(func)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect(
                    f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
                )
            if is_recently_reauthenticated(request, max_age) or _password_header_ok(request):
                return func(request, *args, **kwargs)
            return _refuse(request)

        wrapped.reauth_required = True
        return wrapped

    return decorate(view) if view is not None else decorate


class ReauthRequiredMixin:
    """Class-based views: put it first among the bases (before LoginRequiredMixin is fine too)."""

    reauth_max_age: int | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
        if is_recently_reauthenticated(request, self.reauth_max_age) or _password_header_ok(request):
            return super().dispatch(request, *args, **kwargs)
        return _refuse(request)


class ReauthRequired(BasePermission):
    """DRF permission: a fresh re-authentication in the session or the password in X-Reauth-Password."""

    message = gettext_lazy("此操作需要再次输入密码确认身份。")
    code = "reauth_required"

    def has_permission(self, request, view) -> bool:
        return is_recently_reauthenticated(request._request) or _password_header_ok(request._request)
