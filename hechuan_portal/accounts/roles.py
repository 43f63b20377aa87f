"""Role predicates: the vocabulary every app's `access.py` is written in.

Each app answers "may this user do this?" in one module, `<app>/access.py`, with functions
`can_<action>(user, obj=None) -> bool` built from the predicates here. Views, API actions, templates
(`{% can "app.action" obj as allowed %}`) and services all ask those functions; a service that must
refuse calls `require(check, user, obj)`, which raises the shared `PortalError` (403 `not_allowed`).

Superusers count as district administrators everywhere (one rule, here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hechuan_portal.common.errors import CommonCode, PortalError

from .models import DISTRICT_ROLES, Role


def is_active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_district(user: Any) -> bool:
    """District administrators and district staff (and superusers)."""
    return is_active(user) and (user.is_superuser or user.role in DISTRICT_ROLES)


def is_district_admin(user: Any) -> bool:
    return is_active(user) and (user.is_superuser or user.role == Role.DISTRICT_ADMIN)


def is_town_officer(user: Any) -> bool:
    """A town or street officer bound to their town."""
    return is_active(user) and not user.is_superuser and user.role == Role.TOWN_OFFICER and bool(user.area_id)


def is_operator(user: Any) -> bool:
    return is_active(user) and not user.is_superuser and user.role == Role.FACILITY_OPERATOR


def is_auditor(user: Any) -> bool:
    return is_active(user) and not user.is_superuser and user.role == Role.AUDITOR


def is_staff_member(user: Any) -> bool:
    """Anyone who works in the staff pages: every role but the auditor (who reads the audit log only)."""
    return is_district(user) or is_town_officer(user) or is_operator(user)


def is_manager(user: Any) -> bool:
    """District roles and town officers: they manage whole records inside their scope."""
    return is_district(user) or is_town_officer(user)


def officer_of(user: Any, town_id: str | None) -> bool:
    """A town officer whose town is `town_id`."""
    return is_town_officer(user) and town_id is not None and user.area_id == town_id


def manages_town(user: Any, town_id: str | None) -> bool:
    """District roles manage every town; an officer their own."""
    return is_district(user) or officer_of(user, town_id)


def operates(user: Any, facility: Any) -> bool:
    """An operator linked to `facility`."""
    return is_operator(user) and facility is not None and facility.operators.filter(pk=user.pk).exists()


def can_write(user: Any) -> bool:
    """Roles that may change scoped records at all (within their scope)."""
    return is_district(user) or is_town_officer(user) or is_operator(user)


def require(check: Callable[..., bool], user: Any, obj: Any = None) -> None:
    """Raise the shared 403 unless `check(user[, obj])` allows it."""
    allowed = check(user) if obj is None else check(user, obj)
    if not allowed:
        raise PortalError(CommonCode.NOT_ALLOWED, status=403)


class _System:
    """The portal itself acting: scheduled jobs, management commands, district aggregates.

    The explicit `actor` of every write a person did not make; it sees every area. Audit rows written
    on its behalf carry no user (actor NULL) and say "system".
    """

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_system = True
    role = Role.DISTRICT_ADMIN
    pk = None
    id = None
    area_id = None
    username = "system"

    def __str__(self) -> str:
        return "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def audit_user(actor: Any) -> Any:
    """The user an audit row names: None for SYSTEM, the user otherwise."""
    return None if getattr(actor, "is_system", False) else actor
