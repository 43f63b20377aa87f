"""Login, logout and failed logins are audit events."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from .audit import audit_record
from .middleware import SESSION_STARTED_KEY
from .models import AuditAction, User


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


def attempted_username(username: str) -> str:
    """What the audit log records of a failed login's username.

    An existing account's name as it is: it names the target. Anything else is recorded only as a
    keyed hash ("unknown:<16 hex>"): people type their password into the username field, and the
    audit log must never hold a password. The hash still lets an auditor group repeated attempts.
    """
    if User.objects.filter(username=username).exists():
        return username[:64]
    digest = salted_hmac("accounts.failed-login-username", username, algorithm="sha256").hexdigest()
    return f"unknown:{digest[:16]}"


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The password is never recorded, nor a username that is not an account's (see above).
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        request=request,
        object_type="accounts.user",
        object_id=attempted_username(str(credentials.get("username", ""))),
    )
