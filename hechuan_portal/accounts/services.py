"""Writes on accounts: provisioning users, ending an account's sessions and tokens, API tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hechuan_portal.areas.models import AdminArea, AreaLevel
from hechuan_portal.common.errors import PortalError

from . import access
from .audit import audit_record
from .error_codes import AccountsCode
from .models import ApiToken, AuditAction, Role, User
from .roles import is_district_admin, require
from .tokens import new_token_key, token_digest, token_lifetime


@transaction.atomic
def user_provision(
    *, username: str, role: str, password: str, area_code: str | None = None, actor: Any
) -> User:
    """Create or update a portal user with a role and area scope; audited.

    Town officers need a town/street; other roles may carry an area for display only. Raises
    `PortalError` for an unknown role or area, Django's `ValidationError` for a weak password.
    """
    if role not in Role.values:
        raise PortalError(
            AccountsCode.UNKNOWN_ROLE, field="role", params={"role": role, "choices": ", ".join(Role.values)}
        )
    area = None
    if area_code:
        area = AdminArea.objects.filter(code=area_code).first()
        if area is None:
            raise PortalError(AccountsCode.UNKNOWN_AREA, field="area", params={"code": area_code})
    if role == Role.TOWN_OFFICER and (area is None or area.level != AreaLevel.TOWN):
        raise PortalError(AccountsCode.OFFICER_NEEDS_TOWN, field="area")
    user = User.objects.filter(username=username).first() or User(username=username)
    validate_password(password, user)
    created = user.pk is None
    before = None if created else (user.role, user.area_id, user.is_active)
    user.role = role
    user.area = area
    user.is_staff = role == Role.DISTRICT_ADMIN
    user.is_active = True
    user.set_password(password)
    user.save()
    district_admin_group_sync(user=user)
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=actor,
        obj=user,
        area_code=area.code if area else "",
        changes={"role": role, "area": area.code if area else None},
    )
    if before is not None:
        # A new password, role or scope: whatever the account was signed in with stops working.
        user_credentials_end(user=user, actor=actor, reason="provision")
    return user


# Why an account's sessions and tokens were ended (the audit row's reason).
CREDENTIAL_END_REASONS = {
    "provision": _("重新配置账号"),
    "role": _("角色或管辖范围变更"),
    "password": _("密码变更"),
    "deactivated": _("账号停用"),
    "otp_removed": _("删除二次验证设备"),
}


@transaction.atomic
def user_credentials_end(*, user: User, actor: Any, reason: str, changes: dict | None = None) -> None:
    """End every session and API token of `user` (a new security stamp, tokens deleted); audited.

    Called on any role, scope, password or activation change and when a TOTP device is removed, so
    the account never keeps old powers, or a second factor it no longer has, in a live session.
    """
    user.security_stamp = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(security_stamp=user.security_stamp)
    revoked = ApiToken.objects.filter(user=user).delete()[0]
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=user,
        area_code=user.area_id or "",
        reason=str(CREDENTIAL_END_REASONS.get(reason, reason)),
        changes={**(changes or {}), "sessions_ended": True, "tokens_revoked": revoked},
    )


@transaction.atomic
def api_token_create(*, actor: Any, name: str = "", request: Any = None) -> tuple[ApiToken, str]:
    """Issue an API token for `actor` themself; returns the row and the key (shown once, never stored)."""
    require(access.can_create_token, actor)
    key = new_token_key()
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        prefix=key[:8],
        digest=token_digest(key),
        fingerprint=actor.credentials_fingerprint(),
        expires=timezone.now() + token_lifetime(),
    )
    audit_record(
        action=AuditAction.CREATE, actor=actor, request=request, obj=token, reason=str(_("API 令牌"))
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any, request: Any = None) -> None:
    """Revoke (delete) one API token: its owner's, or any as a district administrator; audited."""
    require(access.can_revoke_token, actor, token)
    audit_record(
        action=AuditAction.DELETE, actor=actor, request=request, obj=token, reason=str(_("API 令牌"))
    )
    token.delete()


def district_admin_group() -> Group:
    """The group holding the district administrators' model permissions (access.py), brought up to
    date with the permissions that exist now (new models add theirs after a migration)."""
    group, _created = Group.objects.get_or_create(name=access.DISTRICT_ADMIN_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=access.DISTRICT_ADMIN_APP_LABELS)
    )
    return group


def district_admin_group_sync(*, user: User) -> None:
    """District administrators (in the role vocabulary of roles.py: active, superusers included) are
    members of the group; nobody else is, a deactivated administrator included."""
    if is_district_admin(user):
        user.groups.add(district_admin_group())
    else:
        user.groups.remove(*Group.objects.filter(name=access.DISTRICT_ADMIN_GROUP))
