"""The Django admin's site: district administrators only, and only with a verified second factor.

One rule for every way an account reaches the admin (portal login, `createsuperuser`): the role
(`access.can_use_admin`) and a session verified with TOTP (django-otp). A signed-in account that
fails either gets 403 rather than the admin's login redirect, which would bounce between the admin
and the portal's login (it sends signed-in users on). What the administrator may then do in each
model is the model permissions of the district administrators' group (services.district_admin_group).
"""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from . import access


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        return access.can_use_admin(user) and callable(is_verified) and bool(is_verified())

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def password_change(self, request, extra_context=None):
        """An administrator's own password change: audited, other sessions and tokens ended."""
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            from django.contrib.auth import update_session_auth_hash

            from .services import user_credentials_end

            user = request.user
            user_credentials_end(user=user, actor=user, reason="password")
            update_session_auth_hash(request, user)
        return response
