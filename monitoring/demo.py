"""Demo data for monitoring (called by `seed_demo` after facilities and residents).

Deterministic and re-runnable: every run first removes the previous run's demo rows, then rebuilds
them from a fixed random seed, relative to today. Checklist templates come from migration 0002.
Demo inspectors are accounts without a usable password (they cannot log in); every row is marked
演示数据 where shown.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from facilities.models import BED_KINDS, CHILDCARE_KINDS, Facility, FacilityStatus
from hechuan_portal.accounts.models import Role, User
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.months import add_months, month_start
from hechuan_portal.residents.models import HukouStatus, Resident

from . import rules, services
from .models import (
    Answer,
    ElderCondition,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    InspectorConflict,
    Need,
    PlanKind,
    Referral,
    StaffQualification,
    StaffRole,
    Topic,
    VisitMethod,
    WelfareVisit,
)
from .reference import load_checklists
from .selectors import visit_tier, years_before
from .standards import config

SEED = 20251201
DEMO_PREFIX = "demo_monitor_"
# Every flagged elder of the register is on the visit list, as in a real district (no cap: the demo's
# visits follow the residents seeded); written in batches of VISIT_BATCH.
VISIT_BATCH = 2000


def _clear() -> None:
    Finding.objects.filter(inspection__is_demo=True).delete()
    Inspection.objects.filter(is_demo=True).delete()
    InspectionPlan.objects.filter(is_demo=True).delete()
    WelfareVisit.objects.filter(is_demo=True).delete()
    InspectorConflict.objects.filter(inspector__username__startswith=DEMO_PREFIX).delete()
    StaffQualification.objects.filter(facility__is_demo=True).delete()


def _inspectors(towns: list[str]) -> tuple[User, list[User]]:
    """One district demo inspector and two per town, none able to log in."""

    names = dict(AdminArea.objects.filter(code__in=towns).values_list("code", "name"))

    def account(username: str, role: str, area: str | None, label: str) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "area_id": area, "first_name": label}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    lead = account(f"{DEMO_PREFIX}district", Role.DISTRICT_STAFF, None, "区级演示检查员")
    officers = [
        account(f"{DEMO_PREFIX}{t}_{n}", Role.TOWN_OFFICER, t, f"{names[t]}演示检查员{n}")
        for t in towns
        for n in (1, 2)
    ]
    return lead, officers


def _staff(rng: random.Random, facilities: list[Facility], today) -> int:
    rows = []
    for f in facilities:
        if f.kind in BED_KINDS:
            role, need = StaffRole.CAREGIVER, -(-f.beds_occupied // 10)
        elif f.kind in CHILDCARE_KINDS:
            role, need = StaffRole.NURSERY_CAREGIVER, -(-f.places_occupied // 7)
        else:
            continue
        # Most facilities are staffed; about one in six falls one short.
        count = max(0, need - (1 if rng.random() < 0.17 else 0))
        for n in range(count):
            days = rng.choice([400, 700, 900, 45, 20, -10]) if n == 0 else rng.randint(90, 1000)
            rows.append(
                StaffQualification(
                    facility=f,
                    name=f"演示员工{f.pk}-{n + 1}",
                    role=role,
                    certificate_number=f"DEMO-{f.pk:05d}-{n + 1:02d}",
                    certificate_expiry=today + timedelta(days=days),
                )
            )
    StaffQualification.objects.bulk_create(rows)
    return len(rows)


def _record(rng: random.Random, inspection: Inspection, user: User, when) -> None:
    items = list(inspection.template.items.all())
    answers = []
    fail_chance = 0.15
    for item in items:
        failed = rng.random() < fail_chance
        answers.append(
            services.AnswerInput(
                item.pk,
                Answer.NO if failed else Answer.YES,
                f"现场发现：{item.text}（未落实）" if failed else "",
            )
        )
    f = inspection.facility
    far = rng.random() < 0.08
    offset = 0.01 if far else 0.0004
    services.inspection_record(
        inspection=inspection,
        actor=user,
        answers=answers,
        lng=f.location.x + offset,
        lat=f.location.y,
        accuracy_m=15,
        location_note="在机构分部检查（演示）" if far else "",
        inspected_at=when,
    )


@transaction.atomic
def seed(*, residents: int, stdout) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    # The templates come from fixtures/checklists.json (migration 0006 loads them too); a database
    # restored from before a template was added to the file gets it here.
    load_checklists()
    _clear()
    facilities = list(Facility.objects.filter(is_demo=True, status=FacilityStatus.OPERATING).order_by("pk"))
    if not facilities:
        stdout.write("monitoring: no demo facilities, skipped inspections")
    towns = sorted({f.town_id for f in facilities})
    lead, officers = _inspectors(towns)
    n_staff = _staff(rng, facilities, today)
    services.risk_refresh(actor=SYSTEM, today=today)

    # A declared conflict: the first officer of the first town once worked at its first facility.
    if facilities and officers:
        InspectorConflict.objects.create(
            inspector=officers[0], facility=facilities[0], reason="曾在该机构任职（演示）"
        )

    plans = 0
    recorded = 0
    if facilities:
        for topic, start_days, seed in (
            (Topic.FIRE_SAFETY, 75, SEED),
            (Topic.FOOD_SAFETY, 40, SEED + 1),
            (Topic.PRESCHOOLISATION, 20, SEED + 2),
        ):
            plan = services.plan_create(
                actor=lead,
                name=f"{today.year}年{Topic(topic).label}双随机抽查（演示）",
                kind=PlanKind.RANDOM,
                topic=topic,
                town_id=None,
                starts_on=today - timedelta(days=start_days),
                ends_on=today + timedelta(days=30),
                sample_rate="0.2",
                high_risk_rate="0.5",
                inspectors_per_target=2,
                is_demo=True,
            )
            try:
                services.plan_draw(plan=plan, actor=lead, seed=seed, inspectors=[lead, *officers])
            except PortalError:
                continue
            plans += 1
            # Two thirds of each plan's targets are done, spread over the plan's first weeks.
            targets = list(plan.inspections.select_related("facility", "template").order_by("pk"))
            for n, inspection in enumerate(targets):
                if n % 3 == 2:
                    continue
                day = today - timedelta(days=rng.randint(1, start_days))
                when = timezone.make_aware(datetime.combine(day, time(9 + n % 8, 30)))
                assigned = list(inspection.inspectors.all())
                _record(rng, inspection, assigned[0] if assigned else lead, when)
                recorded += 1
        # Findings past their deadline: the operator uploaded nothing, so they go to the district list.
        services.findings_escalate_overdue(actor=SYSTEM, today=today)
        services.risk_refresh(actor=SYSTEM, today=today)

    visits = _visits(rng, lead, today)
    stdout.write(
        f"monitoring: {n_staff} staff certificates, {plans} plans, {recorded} inspections recorded, "
        f"{Finding.objects.filter(inspection__is_demo=True).count()} findings, {visits} visits"
    )
    assert Inspection.objects.filter(is_demo=True, status=InspectionStatus.COMPLETED).count() == recorded


def _visits(rng: random.Random, visitor: User, today) -> int:
    """Visits for flagged elders: most this month, some only last month, some never."""
    cfg = config()
    start = month_start(today)
    prev_start = add_months(start, -1)
    candidates = (
        Resident.objects.filter(status=HukouStatus.NORMAL, town__isnull=False)
        .filter(birth_date__lte=years_before(today, cfg["visit_min_age"]))
        .exclude(
            lives_alone=False,
            empty_nest=False,
            left_behind=False,
            special_family=False,
            tekun=False,
            disability_grade__isnull=True,
        )
        .order_by("pk")
        # Today's tier in the same query: what `services.resident_tier(r, today=today)` asks of each
        # row, one query instead of one per elder (the demo of 1.5 million flags about 100,000).
        .annotate(tier_today=visit_tier(today, cfg, critical=Q(pk__isnull=True)))
    )
    rows = []
    written = 0
    for r in candidates.iterator(chunk_size=VISIT_BATCH):
        tier = r.tier_today
        if tier is None:
            continue
        roll = rng.random()
        if roll < 0.12:
            continue  # never visited: shows on the officers' list
        days = [start + timedelta(days=rng.randint(0, (today - start).days))]
        if roll < 0.25:
            days = [prev_start + timedelta(days=rng.randint(0, 27))]  # last month only: overdue now
        elif roll > 0.8:
            days.insert(0, prev_start + timedelta(days=rng.randint(0, 27)))
        for day in days:
            condition = rng.choices(list(ElderCondition.values), weights=[50, 35, 12, 3])[0]
            needs = rng.sample(list(Need.values), k=rng.choice([0, 0, 1, 2]))
            referrals = [Referral.CANTEEN] if Need.MEALS in needs else []
            if Need.ADAPTATION in needs:
                referrals.append(Referral.ADAPTATION)
            critical = condition == ElderCondition.CRITICAL
            t = services.resident_tier(r, today=day, serious_condition=critical) or tier
            rows.append(
                WelfareVisit(
                    resident=r,
                    town_id=r.town_id,
                    community_id=r.community_id,
                    visited_on=day,
                    method=rng.choices(list(VisitMethod.values), weights=[70, 20, 8, 2])[0],
                    condition=condition,
                    needs=sorted(needs),
                    referrals=sorted(referrals),
                    notes="演示探访记录",
                    next_due_on=rules.visit_next_due(day, t, cfg),
                    visitor=visitor,
                    is_demo=True,
                )
            )
        if len(rows) >= VISIT_BATCH:
            WelfareVisit.objects.bulk_create(rows)
            written += len(rows)
            rows.clear()
    WelfareVisit.objects.bulk_create(rows)
    services.visit_due_refresh(actor=SYSTEM)  # the precomputed list, as after any visit
    return written + len(rows)
