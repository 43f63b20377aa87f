"""Writes on accounts: provisioning users."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from hechuan_portal.areas.models import AdminArea, AreaLevel
from hechuan_portal.common.errors import PortalError

from .audit import audit_record
from .error_codes import AccountsCode
from .models import AuditAction, Role, User


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
    user.role = role
    user.area = area
    user.is_staff = role == Role.DISTRICT_ADMIN
    user.is_active = True
    user.set_password(password)
    user.save()
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=actor,
        obj=user,
        area_code=area.code if area else "",
        changes={"role": role, "area": area.code if area else None},
    )
    return user
