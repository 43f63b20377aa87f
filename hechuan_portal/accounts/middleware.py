"""Session and response hardening that every app gets without doing anything.

- `NoStoreMiddleware`: staff pages, the admin, account pages and authenticated API responses are
  never stored by browsers or proxies (`Cache-Control: no-store`).
- `SessionLifetimeMiddleware`: an absolute session limit (SESSION_ABSOLUTE_SECONDS, 12 h) on top of
  the 30-minute idle timeout (SESSION_COOKIE_AGE), whose expiry it pushes forward at most once every
  SESSION_TOUCH_SECONDS (a minute): saving the session on every request cost each page a write.
- `SecondFactorRequiredMiddleware`: a user whose role needs TOTP (OTP_REQUIRED_ROLES) and who logged
  in with a password only can reach nothing but the set-up page until a device is confirmed.
- `RequestBodyLimitMiddleware`: a request body larger than its cap is refused with 413 by its
  declared length, before anything reads it (REQUEST_BODY_MAX_BYTES; file uploads from a signed-in
  session or an API token, UPLOAD_REQUEST_MAX_BYTES).
"""

from __future__ import annotations

import time

from csp.constants import SELF, UNSAFE_INLINE
from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from hechuan_portal.common.errors import CommonCode, PortalError

from .error_codes import AccountsCode

SESSION_STARTED_KEY = "portal_session_started"
SESSION_TOUCHED_KEY = "portal_session_touched"
OTP_SETUP_PENDING_KEY = "portal_otp_setup_pending"
SENSITIVE_PREFIXES = ("/manage/", "/admin/", "/accounts/")


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        authenticated_api = _is_api(request) and (
            "HTTP_AUTHORIZATION" in request.META
            or getattr(request, "user", None)
            and request.user.is_authenticated
        )
        if request.path.startswith(SENSITIVE_PREFIXES) or authenticated_api:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        if request.path.startswith("/admin/"):
            # Django's GIS and django-leaflet admin widgets write inline scripts without a nonce; the
            # admin (district administrators with a second factor only) allows them, nothing else does.
            response._csp_replace = {"script-src": [SELF, UNSAFE_INLINE]}
        return response


def body_limit(request) -> int:
    """The largest body `request` may send: uploads (multipart) from a signed-in session or with an
    Authorization header (a token, checked later by DRF) may be as large as the largest upload the
    apps accept; everything else, and anything from an anonymous client, the small cap."""
    multipart = request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/form-data")
    user = getattr(request, "user", None)
    signed_in = "HTTP_AUTHORIZATION" in request.META or bool(user and user.is_authenticated)
    if multipart and signed_in:
        return settings.UPLOAD_REQUEST_MAX_BYTES
    return settings.REQUEST_BODY_MAX_BYTES


class RequestBodyLimitMiddleware:
    """413 with the shared error body when the declared Content-Length exceeds `body_limit`, before
    the body is read (CSRF and the views read it later). A body without a length (chunked) is not
    read by Django at all; the reverse proxy's `client_max_body_size` bounds it (docs/DEPLOYMENT.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body it cannot measure
        limit = body_limit(request)
        if length > limit:
            error = PortalError(
                CommonCode.REQUEST_TOO_LARGE, params={"limit": f"{limit / 1024 / 1024:g}"}, status=413
            )
            return JsonResponse(error.body(), status=413)
        return self.get_response(request)


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                if _is_api(request):
                    return JsonResponse(PortalError(AccountsCode.SESSION_EXPIRED).body(), status=401)
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            # A changed session is saved with a fresh expiry (store and cookie): the idle timeout
            # counts from the last save, at most SESSION_TOUCH_SECONDS after the last request.
            if now - request.session.get(SESSION_TOUCHED_KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
                request.session[SESSION_TOUCHED_KEY] = now
        return self.get_response(request)


def otp_required_for(user) -> bool:
    """Roles in OTP_REQUIRED_ROLES and every superuser (`createsuperuser` accounts use the admin too)."""
    return bool(user.is_authenticated and (user.role in settings.OTP_REQUIRED_ROLES or user.is_superuser))


class SecondFactorRequiredMiddleware:
    """Only the set-up page, logout and static files until the second factor is set up."""

    allowed_names = {"accounts:otp_setup", "accounts:logout", "set_language"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and request.session.get(OTP_SETUP_PENDING_KEY)
            and not request.path.startswith(settings.STATIC_URL)
            and not self._allowed(request)
        ):
            if _is_api(request):
                return JsonResponse(PortalError(AccountsCode.OTP_SETUP_REQUIRED).body(), status=403)
            return redirect("accounts:otp_setup")
        return self.get_response(request)

    def _allowed(self, request) -> bool:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in self.allowed_names
