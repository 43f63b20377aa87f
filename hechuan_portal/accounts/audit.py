"""Recording audit events. Every view, export or reveal of personal data goes through here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import AuditAction, AuditEvent
from .proxies import client_ip
from .roles import audit_user


def audit_record(
    *,
    action: AuditAction | str,
    actor: Any = None,
    request: HttpRequest | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    area_code: str = "",
    reason: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Append one audit row. `obj` fills type/id; never pass personal values in `changes`.

    `actor` is the user who acted, or `SYSTEM` (recorded as no user, named "system"); without it the
    request's user. The address is the client's, through the trusted proxies (proxies.py).
    """
    if actor is None and request is not None:
        actor = request.user if request.user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEvent.objects.create(
        actor=audit_user(actor),
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        area_code=area_code or "",
        reason=_storable(reason[:255]),
        ip=client_ip(request),
        changes=_storable(changes or {}),
    )


def _storable(value: Any) -> Any:
    """`value` with NUL characters replaced: PostgreSQL's text and jsonb cannot hold them, and a
    request's parameters (an export's filters) may carry them (issue 21 item 10)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_storable(v) for v in value]
    return value

