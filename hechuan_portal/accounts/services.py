"""Writes on accounts: provisioning users."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hechuan_portal.areas.models import AdminArea, AreaLevel

from .audit import audit_record
from .models import AuditAction, Role, User


@transaction.atomic
def user_provision(
    *, username: str, role: str, password: str, area_code: str | None = None, actor=None
) -> User:
    """Create or update a portal user with a role and area scope; audited.

    Town officers need a town/street; other roles may carry an area for display only.
    """
    if role not in Role.values:
        raise ValidationError(
            _("未知角色 %(role)s（可选：%(choices)s）") % {"role": role, "choices": ", ".join(Role.values)},
            code="unknown_role",
        )
    area = None
    if area_code:
        area = AdminArea.objects.filter(code=area_code).first()
        if area is None:
            raise ValidationError(_("区划代码 %(code)s 不存在") % {"code": area_code}, code="unknown_area")
    if role == Role.TOWN_OFFICER and (area is None or area.level != AreaLevel.TOWN):
        raise ValidationError(
            _("镇街工作人员必须用 --area 指定一个镇街的 12 位区划代码"), code="officer_needs_town"
        )
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
