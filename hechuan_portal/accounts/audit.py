"""Recording audit events. Every view, export or reveal of personal data goes through here."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from rest_framework.response import Response

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


def _town_of(obj: Any, path: str | None = None) -> str:
    """The code of the town a row belongs to, by `path` or else the lookup path its queryset names
    for scope (`scope_town_field`, accounts/scope.py); "" when there is none."""
    path = path or getattr(type(obj)._default_manager.get_queryset(), "scope_town_field", None)
    if not path:
        return ""
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return ""
    return getattr(obj, f"{last}_id", "") or ""


def audit_read(
    request: HttpRequest,
    *,
    obj: Any = None,
    model: type[models.Model] | None = None,
    rows: int | None = None,
    reason: str = "",
    area_code: str | None = None,
    town_path: str | None = None,
) -> AuditEvent:
    """The one way a read of personal data is audited — a child's or an elder's record, a page or
    list of them, a file about them (pages, API and downloads alike). Never the values themselves.

    - one record: `obj` (the row names the record and its town);
    - records of one kind about one record (a child's check-ups on the child's page): `model`
      and `obj`, the record they belong to;
    - a list or page: `model` and `rows`, how many records it showed (the row names the reader's area).

    The town of `obj` is found by its model's scope path, or `town_path` (e.g. an upload's
    "finding__facility__town"), unless `area_code` gives it.
    """
    if obj is None and model is None:
        raise TypeError("audit_read needs the record read (obj) or the kind of records listed (model)")
    if area_code is None:
        if obj is not None:
            area_code = _town_of(obj, town_path)
        else:
            area_code = getattr(getattr(request, "user", None), "area_id", "") or ""
    return audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type=(model or type(obj))._meta.label_lower,
        object_id=obj.pk if obj is not None else "",
        area_code=area_code,
        reason=reason or ("" if obj is not None else "list"),
        changes={} if rows is None else {"rows": rows},
    )


class AuditedReadMixin:
    """For a DRF viewset over personal records: each list page (one row, with how many records it
    showed) and each record read goes through `audit_read`."""

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        data = response.data
        shown = data.get("results", []) if isinstance(data, dict) else data
        audit_read(request, model=self.get_queryset().model, rows=len(shown), reason="api list")  # type: ignore[attr-defined]
        return response

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()  # type: ignore[attr-defined]
        audit_read(request, obj=obj)
        return Response(self.get_serializer(obj).data)  # type: ignore[attr-defined]
