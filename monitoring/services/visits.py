"""探访关爱: recording a visit to an elder in special difficulty, with the tier that sets the next one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import SYSTEM, audit_user, require
from hechuan_portal.common.errors import PortalError
from hechuan_portal.residents.models import Resident

from .. import access, rules, selectors
from ..error_codes import ErrorCode
from ..models import VisitDue, WelfareVisit
from ..standards import config


def resident_tier(resident: Resident, *, today: dt.date, serious_condition: bool = False) -> str | None:
    """The visit tier (weekly/monthly/quarterly) of an elder on `today`, or None if not covered: the
    visit list's own expression (`selectors.visit_tier`) asked of this one row."""
    critical = Q(pk__isnull=False) if serious_condition else Q(pk__isnull=True)
    tier: str | None = (
        Resident.objects.filter(pk=resident.pk)
        .annotate(tier=selectors.visit_tier(today, config(), critical=critical))
        .values_list("tier", flat=True)
        .first()
    )
    return tier


@transaction.atomic
def visit_record(
    *,
    resident: Resident,
    actor: Any,
    visited_on: dt.date,
    method: str,
    condition: str,
    needs: list[str] | None = None,
    referrals: list[str] | None = None,
    notes: str = "",
    next_due_on: dt.date | None = None,
    is_demo: bool = False,
    request: HttpRequest | None = None,
) -> WelfareVisit:
    """Record a visit. The next due date defaults to the elder's tier interval (a critical condition
    makes it weekly); the officer may set an earlier or later one."""
    require(access.can_record_visit, actor)
    if resident.town_id is None:
        raise PortalError(ErrorCode.NO_TOWN)
    tier = resident_tier(resident, today=visited_on, serious_condition=condition == "critical")
    if tier is None:
        raise PortalError(ErrorCode.NOT_COVERED)
    if next_due_on is None:
        next_due_on = rules.visit_next_due(visited_on, tier, config())
    if next_due_on <= visited_on:
        raise PortalError(ErrorCode.NEXT_DUE_ORDER, field="next_due_on")
    visit = WelfareVisit.objects.create(
        resident=resident,
        town_id=resident.town_id,
        community_id=resident.community_id,
        visited_on=visited_on,
        method=method,
        condition=condition,
        needs=sorted(set(needs or [])),
        referrals=sorted(set(referrals or [])),
        notes=notes,
        next_due_on=next_due_on,
        visitor=audit_user(actor),
        is_demo=is_demo,
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        request=request,
        obj=visit,
        area_code=resident.community_id or resident.town_id,
        changes={"tier": tier},
    )
    visit_due_refresh(actor=SYSTEM, residents=[resident.pk])
    return visit


@transaction.atomic
def visit_due_refresh(*, actor: Any, today: dt.date | None = None, residents: list[int] | None = None) -> int:
    """Rewrite the precomputed visit list (`VisitDue`): the elders covered on `today` by the visit
    list's own condition (`selectors.covered_elders`), each with their latest visit, in one
    INSERT … SELECT after deleting the rows it replaces. `residents`: only these people (a visit
    recorded, an assessment signed); None: everyone (nightly and after every household import).
    Returns the number of rows written. A derived table: no audit row."""
    require(access.can_refresh_visit_due, actor)
    today = today or timezone.localdate()
    source = selectors.covered_elders(as_of=today)
    stale = VisitDue.objects.all()
    if residents is not None:
        source, stale = source.filter(pk__in=residents), stale.filter(resident_id__in=residents)
    latest = selectors.latest_visit
    rows = source.annotate(
        last_visit_on=latest("visited_on"),
        next_due=latest("next_due_on"),
        last_cond=Coalesce(latest("condition"), Value("")),
    ).values_list("pk", "town_id", "community_id", "name", "last_visit_on", "next_due", "last_cond")
    stale.delete()
    sql, params = rows.query.sql_with_params()
    columns = "resident_id, town_id, community_id, name, last_visit_on, next_due_on, last_condition"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {VisitDue._meta.db_table} ({columns}) {sql}", params)
        return cursor.rowcount
