"""Login, logout and failed logins are audit events."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import audit_record
from .middleware import SESSION_STARTED_KEY
from .models import AuditAction


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    # The absolute session limit counts from here (SessionLifetimeMiddleware).
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = int(time.time())
    audit_record(action=AuditAction.LOGIN, actor=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username identifies the target account; the password is never recorded.
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        request=request,
        object_type="accounts.user",
        object_id=str(credentials.get("username", ""))[:64],
    )
