"""DRF permission classes shared by every app's API."""

from __future__ import annotations

from rest_framework.permissions import IsAuthenticated

from . import access


class IsAuthenticatedNotAuditor(IsAuthenticated):
    """The API's default (settings.REST_FRAMEWORK): signed in, and not an auditor (`access.can_use_api`).

    Auditors read the audit log and nothing else, so every API operation refuses them with 403
    `not_allowed` before any record is looked up — not an empty list or a 404 that depends on what
    exists. Views an auditor may use say so themselves: `auth/me` (IsAuthenticated), the public
    facility and area views (AllowAny). Anonymous callers still get 401, as with IsAuthenticated.
    """

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and access.can_use_api(request.user)
