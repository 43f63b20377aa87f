"""Demo data of the childcare app (演示数据): classes for the demo childcare facilities, children,
enrolments, a waitlist, some screenings and a voucher batch. Deterministic (fixed random seed,
dates relative to today) and re-runnable: the previous demo rows are removed first."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from facilities.models import CHILDCARE_KINDS, Facility, FacilityKind, FacilityStatus
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.idcard import check_char
from hechuan_portal.common.months import add_months

from . import services
from . import standards as std
from .models import (
    Checkup,
    Child,
    ChildcareClass,
    ChildcareProfile,
    Enrolment,
    FollowUp,
    Voucher,
    VoucherBatch,
    WaitlistEntry,
)

SEED = 20260501
MAX_DEMO_CHILDREN = 600
# Children in the demo's childcare per 1,000 residents (a demo assumption: 600 at the default 20,000).
CHILDREN_PER_1000_RESIDENTS = 30
MAX_DEMO_SCREENINGS = 400
DEMO_BATCH = "演示数据：2026年托育服务体验券"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "子涵",
    "一诺",
    "欣怡",
    "梓轩",
    "浩宇",
    "雨桐",
    "思远",
    "可馨",
    "宇航",
    "诗琪",
    "俊熙",
    "若曦",
    "沐阳",
    "语彤",
]
# Class plans per facility kind: (name, type, capacity, caregivers, 普惠).
PLANS = {
    FacilityKind.KINDERGARTEN: [("托班", "toddler_large", 14, 2, True)],
    FacilityKind.CHILDCARE_POINT: [("混合班", "mixed", 6, 2, True)],
}
DEFAULT_PLAN = [
    ("乳儿班", "infant", 9, 3, False),
    ("托小班", "toddler_small", 15, 3, True),
    ("托大班", "toddler_large", 20, 3, True),
]
# Fallback facilities when the facilities demo has none (this app's own tests and branch).
FALLBACK = [
    ("演示数据：合阳城托育中心", FacilityKind.NURSERY, "500117001000", (106.262, 29.993)),
    ("演示数据：钓鱼城普惠托育点", FacilityKind.CHILDCARE_POINT, "500117002000", (106.285, 30.004)),
    ("演示数据：南津街幼儿园", FacilityKind.KINDERGARTEN, "500117003000", (106.259, 29.978)),
]
FALLBACK_CLINIC = (
    "演示数据：合阳城社区卫生服务中心",
    FacilityKind.MEDICAL_PARTNER,
    "500117001000",
    (106.266, 29.991),
)


def _facility(name, kind, town, lnglat) -> Facility:
    return Facility.objects.get_or_create(
        town_id=town,
        name=name,
        defaults={
            "kind": kind,
            "location": Point(*lnglat, srid=4326),
            "status": FacilityStatus.OPERATING,
            "is_demo": True,
            "phone": "023-00000000",
        },
    )[0]


def _clear() -> list[int]:
    """Remove the previous demo rows of this app; returns the facilities whose totals need a sync."""
    children = Child.objects.filter(is_demo=True)
    facility_ids = list(
        ChildcareClass.objects.filter(is_demo=True).values_list("facility_id", flat=True).distinct()
    )
    Voucher.objects.filter(child__in=children).delete()
    VoucherBatch.objects.filter(name=DEMO_BATCH, vouchers__isnull=True).delete()
    FollowUp.objects.filter(child__in=children).delete()
    Checkup.objects.filter(child__in=children).delete()
    WaitlistEntry.objects.filter(child__in=children).delete()
    Enrolment.objects.filter(child__in=children).delete()
    children.delete()
    ChildcareClass.objects.filter(is_demo=True).delete()
    services.facility_places_sync(facility_ids=facility_ids)
    return facility_ids


def _id_number(rng: random.Random, birth: dt.date, gender: str) -> str:
    seq = rng.randrange(0, 50) * 2 + (1 if gender == "M" else 0)
    first17 = f"500117{birth:%Y%m%d}{rng.randrange(10, 99)}{seq % 10}"
    return first17 + check_char(first17)


def _unused(number: str, used: set[str]) -> str:
    """The number, or none when an earlier demo child drew the same one (same draws either way)."""
    if number in used:
        return ""
    used.add(number)
    return number


@transaction.atomic
def seed(*, residents: int = 0, stdout=None) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    _clear()
    facilities = list(
        Facility.objects.filter(is_demo=True, kind__in=CHILDCARE_KINDS).exclude(status=FacilityStatus.CLOSED)
    )
    if not facilities:
        facilities = [_facility(*f) for f in FALLBACK]
    # Every demo childcare facility gets classes, so its 托位 are its classes' (one meaning of 托位).
    facilities = sorted(facilities, key=lambda f: f.pk)
    clinic = Facility.objects.filter(is_demo=True, kind=FacilityKind.MEDICAL_PARTNER).order_by(
        "pk"
    ).first() or _facility(*FALLBACK_CLINIC)

    classes: list[ChildcareClass] = []
    for facility in facilities:
        plan = PLANS.get(facility.kind, DEFAULT_PLAN)
        profile, _created = ChildcareProfile.objects.get_or_create(facility=facility)
        if profile.partner_clinic_id is None:
            ChildcareProfile.objects.filter(pk=profile.pk).update(partner_clinic=clinic)
        if facility.kind == FacilityKind.KINDERGARTEN and profile.kindergarten_vacant < 14:
            profile.kindergarten_places, profile.kindergarten_pupils = 300, 270
            profile.save()
        for name, class_type, capacity, caregivers, inclusive in plan:
            classes.append(
                services.class_create(
                    actor=SYSTEM,
                    facility=facility,
                    name=f"{name}（演示）",
                    class_type=class_type,
                    capacity=capacity,
                    caregivers=caregivers,
                    is_inclusive=inclusive,
                    is_demo=True,
                )
            )

    # Enrolled children come from enrolments: a plausible share of the places is taken (capped so
    # the seed stays quick; the rest are vacancies the finder shows), and no more children than a
    # register of `residents` would have in childcare (at the population's scale; at least 40, so
    # a small demo still has enrolments and a waiting list).
    places = sum(k.capacity for k in classes)
    n_children = max(40, min(places // 4, MAX_DEMO_CHILDREN, residents * CHILDREN_PER_1000_RESIDENTS // 1000))
    enrolled = waiting = 0
    used_ids: set[str] = set()  # the random numbers can repeat at 400 children (seed_demo at 1.5 million)
    for i in range(n_children):
        klass = classes[i % len(classes)]
        standard = std.CLASS_STANDARDS[klass.class_type]
        age = rng.randrange(standard.min_age_months, standard.max_age_months)
        birth = add_months(today, -age) - dt.timedelta(days=rng.randrange(0, 25))
        if std.age_error(klass.class_type, birth, today):
            birth = add_months(today, -age)
        gender = "M" if rng.random() < 0.52 else "F"
        child = services.child_create(
            actor=SYSTEM,
            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            gender=gender,
            birth_date=birth,
            id_number=_unused(_id_number(rng, birth, gender), used_ids) if rng.random() < 0.8 else "",
            guardian_name=rng.choice(SURNAMES) + "女士",
            guardian_phone=f"138{rng.randrange(10**7, 10**8)}",
            town_id=klass.facility.town_id,
            community_id=klass.facility.community_id,
            facility=klass.facility,
            is_demo=True,
        )
        klass.refresh_from_db()
        if klass.vacant > 0:
            start = max(
                birth + dt.timedelta(days=standard.min_age_months * 31), today - dt.timedelta(days=200)
            )
            services.enrolment_create(actor=SYSTEM, child=child, klass=klass, start_date=min(start, today))
            enrolled += 1
        else:
            services.waitlist_join(
                actor=SYSTEM,
                child=child,
                klass=klass,
                category_codes=rng.choice([[], ["second_child"], ["third_child"], ["dual_earner"]]),
                applied_at=timezone.now() - dt.timedelta(days=rng.randrange(1, 60)),
            )
            waiting += 1

    # Screenings: every check-up already due is recorded by the demo clinic, near the WHO median
    # with some spread, so a few children show a low z-score and a follow-up.
    recorded = 0
    due = Checkup.objects.filter(child__is_demo=True, status="due", due_date__lte=today).select_related(
        "child"
    )
    for checkup in due.order_by("pk")[:MAX_DEMO_SCREENINGS]:
        if rng.random() < 0.2:
            continue  # left overdue on purpose
        child = checkup.child
        weight, length, head = _typical(child.gender, checkup.age_months, rng)
        services.checkup_record(
            actor=SYSTEM,
            checkup=checkup,
            clinic=clinic,
            performed_on=min(checkup.due_date + dt.timedelta(days=rng.randrange(0, 10)), today),
            hearing="pass" if not checkup.hearing_due else ("refer" if rng.random() < 0.08 else "pass"),
            vision="pass",
            vision_checks_done=list(checkup.vision_checks_due),
            weight_kg=weight,
            length_cm=length,
            head_cm=head,
        )
        recorded += 1

    batch = services.voucher_batch_issue(
        actor=SYSTEM,
        name=DEMO_BATCH,
        value=Decimal("200.00"),
        issued_on=today - dt.timedelta(days=30),
        expires_on=today + dt.timedelta(days=60),
        town_id=facilities[0].town_id,
    )
    # Some families have used theirs at a 普惠 facility of their town.
    inclusive = next(
        (
            f
            for f in Facility.objects.filter(
                pk__in=[f.pk for f in facilities], places_inclusive__gt=0
            ).order_by("pk")
        ),
        None,
    )
    redeemed = 0
    if inclusive is not None:
        for code in batch.vouchers.order_by("pk").values_list("code", flat=True)[::3]:
            services.voucher_redeem(actor=SYSTEM, code=code, facility=inclusive)
            redeemed += 1
    if stdout is not None:
        stdout.write(
            f"childcare: {len(classes)} classes in {len(facilities)} facilities, {n_children} children "
            f"({enrolled} enrolled, {waiting} waiting), {recorded} check-ups recorded, "
            f"{batch.vouchers.count()} vouchers, {redeemed} redeemed (演示数据)\n"
        )


def _typical(gender: str, age_months: int, rng: random.Random) -> tuple[Decimal, Decimal, Decimal]:
    """Measurements drawn around the WHO medians for the age (z ~ N(0, 1))."""
    from pygrowup.tables.by_day import hcfa, lfa, wfa

    sex = "male" if gender == "M" else "female"
    day = min(round(age_months * 30.4375), 1856)

    def at(table, z):
        row = table.DATA[sex][day]
        l_, m_, s_ = float(row["l"]), float(row["m"]), float(row["s"])
        return m_ * (1 + l_ * s_ * z) ** (1 / l_)

    z = max(min(rng.gauss(0, 1), 2.8), -2.8)
    return (
        Decimal(str(round(at(wfa, z), 2))),
        Decimal(str(round(at(lfa, max(min(z + rng.gauss(0, 0.5), 2.8), -2.8)), 1))),
        Decimal(str(round(at(hcfa, rng.gauss(0, 0.8)), 1))),
    )
