"""Who may do what in the accounts app, in the role vocabulary of `roles.py`.

Views, the API, the admin, templates (`{% can "accounts.read_audit_log" as allowed %}`) and services
all ask these functions; nothing else in the app compares roles.
"""

from __future__ import annotations

from typing import Any

from .roles import is_active, is_auditor, is_district_admin


def can_use_api(user: Any) -> bool:
    """Every signed-in role but the auditor, who reads the audit log and nothing else."""
    return is_active(user) and not is_auditor(user)


def can_read_audit_log(user: Any) -> bool:
    """The auditor's search of the audit log."""
    return is_auditor(user)


def can_use_admin(user: Any) -> bool:
    """The Django admin — users, roles and scopes, lost second factors, lockouts, rules kept as data —
    is for district administrators only (and always with a second factor, admin_site.py)."""
    return is_district_admin(user)


def can_create_token(user: Any) -> bool:
    """Any active account may hold API tokens for itself."""
    return is_active(user)


def can_revoke_token(user: Any, token: Any) -> bool:
    """A user revokes their own tokens; a district administrator anyone's."""
    return is_active(user) and (token.user_id == user.pk or is_district_admin(user))


# The model permissions the district administrators' group holds (README's admin tasks: users and
# lost second factors, lockouts, scheduled jobs, and the rules kept as data in every domain app).
# The audit log's admin is read-only whatever the permissions say.
DISTRICT_ADMIN_GROUP = "district_admin"
DISTRICT_ADMIN_APP_LABELS = (
    "accounts",
    "areas",
    "residents",
    "overview",
    "facilities",
    "subsidies",
    "childcare",
    "monitoring",
    "django_celery_beat",
    "otp_totp",
    "axes",
)
