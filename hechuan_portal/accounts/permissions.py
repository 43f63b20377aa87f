"""DRF permission classes shared by every app's API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import IsAuthenticated

from .models import Role


class IsAuthenticatedNotAuditor(IsAuthenticated):
    """The API's default (settings.REST_FRAMEWORK): signed in, and not an auditor.

    Auditors read the audit log and nothing else, so every API operation refuses them with 403
    `not_allowed` before any record is looked up — not an empty list or a 404 that depends on what
    exists. Views an auditor may use say so themselves: `auth/me` (IsAuthenticated), the public
    facility and area views (AllowAny). Anonymous callers still get 401, as with IsAuthenticated.
    Superusers are let through whatever their role, as everywhere else (`scope_for`, `can_write`).
    """

    # DRF raises PermissionDenied(detail=message): a dict becomes the body as it is, so the refusal
    # has the API's usual {"code", "detail"} shape (translated when the request is answered).
    message = {"code": "not_allowed", "detail": _("您的角色不能执行该操作。")}

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        user = request.user
        return user.is_superuser or user.role != Role.AUDITOR
