"""Login backend and lockout counting (django-axes).

Failures are counted per (account, client address): five wrong passwords for one account from one
address lock that pair for 15 minutes. Nobody can lock an account for its owner from elsewhere, which
an account-only count would allow. A second, looser count per address (AXES_IP_FAILURE_LIMIT) stops
password spraying across many accounts from one machine.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum


class PortalBackend(AxesStandaloneBackend, ModelBackend):
    """Refuse a locked-out (account, address) before the password is even checked, then Django's
    model backend. One backend, so the test client's force_login and real logins agree."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # Raises AxesBackendPermissionDenied when locked; django.contrib.auth turns that into a
        # failed login and AxesMiddleware into the lockout page.
        AxesStandaloneBackend.authenticate(self, request, username=username, password=password, **kwargs)
        return ModelBackend.authenticate(self, request, username=username, password=password, **kwargs)


class PortalAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The larger of the per-account-and-address count and the per-address count, the latter
        scaled so that AXES_IP_FAILURE_LIMIT failures from one address reach AXES_FAILURE_LIMIT."""
        per_pair = super().get_failures(request, credentials)
        ip = getattr(request, "axes_ip_address", None)
        if not ip:
            return per_pair
        attempts = AccessAttempt.objects.filter(ip_address=ip)
        if settings.AXES_COOLOFF_TIME:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        per_ip = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        return max(per_pair, per_ip * settings.AXES_FAILURE_LIMIT // settings.AXES_IP_FAILURE_LIMIT)
