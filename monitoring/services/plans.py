"""Inspection plans and the 双随机 draw: targets and inspectors drawn once, from a recorded seed."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from facilities.models import Facility, FacilityStatus
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction, Role, User
from hechuan_portal.accounts.roles import SYSTEM, audit_user, is_district, require
from hechuan_portal.common.errors import PortalError

from .. import access, rules
from ..error_codes import ErrorCode
from ..models import ChecklistTemplate, Inspection, InspectionPlan, InspectorConflict, PlanDraw, PlanStatus
from .checklists import template_for
from .risk import risk_refresh


@transaction.atomic
def plan_create(*, actor: Any, request: HttpRequest | None = None, **fields: Any) -> InspectionPlan:
    """A new plan; an officer's plan is always for their own town."""
    require(access.can_plan, actor)
    if not access.can_plan_any_town(actor):
        fields["town_id"] = actor.area_id
        fields.pop("town", None)
    plan = InspectionPlan.objects.create(created_by=audit_user(actor), **fields)
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        request=request,
        obj=plan,
        area_code=plan.town_id or "",
    )
    return plan


def default_inspector_pool(plan: InspectionPlan) -> list[User]:
    """Active officers of the plan's town, and district staff; for a district plan every officer."""
    qs = User.objects.filter(is_active=True).filter(
        Q(role__in=[Role.DISTRICT_ADMIN, Role.DISTRICT_STAFF]) | Q(role=Role.TOWN_OFFICER, area__isnull=False)
    )
    if plan.town_id:
        qs = qs.filter(Q(role__in=[Role.DISTRICT_ADMIN, Role.DISTRICT_STAFF]) | Q(area_id=plan.town_id))
    return list(qs.order_by("pk"))


def plan_population(plan: InspectionPlan) -> QuerySet[Facility]:
    """Operating facilities in the plan's area and kinds that a template of its topic covers."""
    kinds: set[str] = set().union(
        *ChecklistTemplate.objects.filter(topic=plan.topic, is_active=True).values_list("kinds", flat=True)
    )
    if plan.facility_kinds:
        kinds &= set(plan.facility_kinds)
    qs = Facility.objects.filter(status=FacilityStatus.OPERATING, kind__in=kinds)
    if plan.town_id:
        qs = qs.filter(town_id=plan.town_id)
    return qs


@transaction.atomic
def plan_draw(
    *,
    plan: InspectionPlan,
    actor: Any,
    seed: int | None = None,
    inspectors: list[User] | None = None,
    request: HttpRequest | None = None,
) -> PlanDraw:
    """Draw targets and inspectors once, record the seed, inputs, result and log, and schedule an
    inspection per target. Conflicts: an inspector who operates a facility or declared a link."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT or PlanDraw.objects.filter(plan=plan).exists():
        raise PortalError(ErrorCode.ALREADY_DRAWN, status=409)
    require(access.can_draw, actor, plan)
    pool = inspectors if inspectors is not None else default_inspector_pool(plan)
    if any(not access.can_be_drawn(u) for u in pool):
        raise PortalError(ErrorCode.NOT_INSPECTOR, field="inspectors")
    population = list(plan_population(plan).select_related("risk").order_by("pk"))
    if not population:
        raise PortalError(ErrorCode.NO_TARGETS)
    missing_risk = [f.pk for f in population if not hasattr(f, "risk")]
    if missing_risk:
        # Derived data the draw needs, computed by the portal (not an act of the drawer).
        risk_refresh(actor=SYSTEM, facility_ids=missing_risk)
        population = list(plan_population(plan).select_related("risk").order_by("pk"))
    facilities = [
        rules.DrawFacility(id=f.pk, kind=f.kind, band=f.risk.band, town=f.town_id) for f in population
    ]
    people = [rules.DrawInspector(id=u.pk, town=None if is_district(u) else u.area_id) for u in pool]
    pool_ids = [u.pk for u in pool]
    fac_ids = [f.pk for f in population]
    conflicts: dict[tuple[int, int], str] = {}
    for uid, fid in Facility.operators.through.objects.filter(
        user_id__in=pool_ids, facility_id__in=fac_ids
    ).values_list("user_id", "facility_id"):
        conflicts[(uid, fid)] = "operator"
    for uid, fid, reason in InspectorConflict.objects.filter(
        inspector_id__in=pool_ids, facility_id__in=fac_ids
    ).values_list("inspector_id", "facility_id", "reason"):
        conflicts.setdefault((uid, fid), reason or "declared")
    if seed is None:
        seed = secrets.randbits(62)
    result = rules.draw(
        seed=seed,
        facilities=facilities,
        inspectors=people,
        conflicts=conflicts,
        sample_rate=plan.sample_rate,
        high_risk_rate=plan.high_risk_rate,
        per_target=plan.inspectors_per_target,
    )
    record = PlanDraw.objects.create(
        plan=plan,
        seed=seed,
        inputs={
            **rules.draw_inputs_json(facilities, people, conflicts),
            "sample_rate": str(plan.sample_rate),
            "high_risk_rate": str(plan.high_risk_rate),
            "per_target": plan.inspectors_per_target,
        },
        result=result.targets,
        log=result.log,
        drawn_by=audit_user(actor),
    )
    by_pk = {f.pk: f for f in population}
    users = {u.pk: u for u in pool}
    for target in result.targets:
        facility = by_pk[target["facility"]]
        template = template_for(facility, plan.topic)
        assert template is not None  # the population holds only kinds a template of the topic covers
        inspection = Inspection.objects.create(
            plan=plan,
            facility=facility,
            template=template,
            due_on=plan.ends_on,
            is_demo=plan.is_demo,
        )
        inspection.inspectors.set([users[i] for i in target["inspectors"]])
    plan.status = PlanStatus.DRAWN
    plan.save(update_fields=["status"])
    audit_record(
        action=AuditAction.RUN,
        actor=audit_user(actor),
        request=request,
        obj=plan,
        area_code=plan.town_id or "",
        reason="plan_draw",
        changes={"seed": str(seed), "targets": len(result.targets)},
    )
    return record


def redraw(record: PlanDraw) -> rules.DrawResult:
    """Re-run a recorded draw from its log: the same seed and inputs give the same result."""
    inputs = record.inputs
    return rules.draw(
        seed=record.seed,
        **rules.draw_inputs_from_json(inputs),
        sample_rate=inputs["sample_rate"],
        high_risk_rate=inputs["high_risk_rate"],
        per_target=inputs["per_target"],
    )
