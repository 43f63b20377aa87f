"""Demo data of elder care (演示数据), called by `seed_demo` after the register and the facilities.

Deterministic and re-runnable: every run first removes the previous run's rows (those of demo
residents, whose register source is 演示数据), then builds, through the real services: signed ability
assessments of some demo elders 80+ by two demo assessors (accounts without a usable password), family
care beds from application to last month's claims (one below the monthly minimum), home adaptations at
each step (one accepted at the cap), guaranteed beds in the demo nursing homes and placements.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import zlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from facilities.models import ELDER_KINDS, Facility, FacilityKind, FacilityStatus
from hechuan_portal.accounts.models import Role, User
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.months import add_months, month_start
from hechuan_portal.residents.demo import OLDEST_SHARE, per_thousand_elders
from hechuan_portal.residents.models import HukouStatus, Resident

from . import services, standards
from .models import (
    AdaptationCase,
    AdaptationStatus,
    Assessment,
    AssessorQualification,
    CareBed,
    CareBedClaim,
    CareBedMonth,
    GuaranteedBeds,
    Placement,
)

SEED = 20261207
DEMO_SOURCE = "演示数据"  # the demo register's source (hechuan_portal/residents/demo.py)
DEMO_MARK = "演示数据"
# At the population's scale (hechuan_portal/residents/demo.py), demo assumptions: about 27 % of the
# people 80 and over assessed (240 of the default 20,000 residents' ~900), and 3 family care beds
# (家庭养老床位) per 1,000 elders (16 at the default size).
# A small demo (the tests') keeps what the demo had before it scaled: MIN_ASSESSED and MIN_CARE_BEDS.
ASSESSED_SHARE_80 = 0.27
CARE_BEDS_PER_1000_ELDERS = 3
MIN_ASSESSED = 240
MIN_CARE_BEDS = 16


def _png(seed: str) -> SimpleUploadedFile:
    """A 1×1 PNG whose colour depends on `seed`: a stand-in for a photo taken on the phone."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    rgb = hashlib.sha256(seed.encode()).digest()[:3]
    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" + rgb)) + chunk(b"IEND", b"")
    return SimpleUploadedFile(f"{seed}.png", b"\x89PNG\r\n\x1a\n" + body, content_type="image/png")


def _answers(rng: random.Random, total: int) -> dict[str, int]:
    """26 answers adding up to `total`, spread at random over the items."""
    items = {item.code: 0 for item in standards.ITEMS}
    room = {item.code: item.max_score for item in standards.ITEMS}
    left = total
    while left:
        code = rng.choice([c for c, m in room.items() if items[c] < m])
        items[code] += 1
        left -= 1
    return items


def _account(username: str, role: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"role": role, "first_name": DEMO_MARK, "is_active": True}
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _clear() -> None:
    demo = Resident.objects.filter(source=DEMO_SOURCE).values("pk")
    CareBedClaim.objects.filter(bed__resident__in=demo).delete()
    CareBedMonth.objects.filter(bed__resident__in=demo).delete()
    CareBed.objects.filter(resident__in=demo).delete()
    AdaptationCase.objects.filter(resident__in=demo).delete()  # lines and photos cascade
    Placement.objects.filter(resident__in=demo).delete()
    GuaranteedBeds.objects.filter(facility__is_demo=True).delete()
    # Signed assessments are never changed or deleted (a trigger holds it): a re-run keeps them, and
    # drops only unsigned demo drafts.
    Assessment.objects.filter(resident__in=demo, signed_at__isnull=True).delete()


@transaction.atomic
def seed(*, residents: int, stdout) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    _clear()
    first = _account("demo_eldercare_assessor_1", Role.DISTRICT_STAFF)
    second = _account("demo_eldercare_assessor_2", Role.DISTRICT_STAFF)
    for user in (first, second):
        AssessorQualification.objects.get_or_create(
            user=user,
            defaults={
                "certificate_number": f"{DEMO_MARK}-{user.username}",
                "expires_on": today.replace(year=today.year + 3),
            },
        )
    elders = list(
        Resident.objects.filter(
            source=DEMO_SOURCE,
            status=HukouStatus.NORMAL,
            town__isnull=False,
            birth_date__lte=add_months(today, -12 * 80),
        ).order_by("pk")[: max(MIN_ASSESSED, round(residents * OLDEST_SHARE * ASSESSED_SHARE_80))]
    )
    if not elders:
        stdout.write("eldercare: no demo elders 80+, skipped\n")
        return
    grades: dict[int, int] = dict(
        Assessment.objects.signed()
        .filter(resident__in=elders)
        .order_by("resident_id", "-assessed_on", "-signed_at")
        .distinct("resident_id")
        .values_list("resident_id", "final_grade")
    )
    for n, person in enumerate(elders):
        if person.pk in grades:
            continue
        # Poor elders lean to lower totals (more disabled), so the support lists have people on them.
        total = rng.randint(10, 60) if (person.dibao or person.tekun or n % 3 == 0) else rng.randint(40, 90)
        a = services.assessment_record(
            actor=first,
            resident=person,
            assessed_on=today - dt.timedelta(days=rng.randint(20, 300)),
            place=rng.choice(["home", "home", "facility", "hospital"]),
            items=_answers(rng, total),
            notes=DEMO_MARK,
        )
        grades[person.pk] = services.assessment_sign(actor=second, assessment=a).final_grade
    beds, flagged = _care_beds(
        rng,
        first,
        elders,
        grades,
        today,
        max(MIN_CARE_BEDS, per_thousand_elders(residents, CARE_BEDS_PER_1000_ELDERS)),
    )
    cases = _adaptations(rng, first, elders, grades, today)
    placed = _placements(first, elders, grades, today)
    stdout.write(
        f"eldercare: {len(grades)} elders with a signed assessments, {beds} care beds ({flagged} below the minimum), "
        f"{cases} adaptations, {placed} placements (演示数据)\n"
    )


def _care_beds(rng, actor, elders, grades, today, count: int) -> tuple[int, int]:
    providers = list(
        Facility.objects.filter(is_demo=True, status=FacilityStatus.OPERATING, kind__in=ELDER_KINDS)
        .exclude(kind=FacilityKind.NURSING_HOME)
        .order_by("pk")
    )
    if not providers:
        return 0, 0
    last_month = month_start(add_months(today, -1))
    candidates = [p for p in elders if grades[p.pk] >= 2][:count]
    flagged = 0
    for n, person in enumerate(candidates):
        bed = services.care_bed_apply(actor=actor, resident=person, applied_on=add_months(today, -3))
        if n % 5 == 4:
            continue  # left at eligible: waiting for an agreement
        provider = next((f for f in providers if f.town_id == person.town_id), providers[n % len(providers)])
        services.care_bed_agree(actor=actor, bed=bed, provider=provider, on=add_months(today, -3))
        if n % 5 == 3:
            continue  # agreed, set-up visit still to come
        services.care_bed_set_up(
            actor=actor,
            bed=bed,
            on=add_months(today, -2),
            photos=[_png(f"demo-bed-{n}")],
            location=provider.location,
            notes=f"{DEMO_MARK}：床边护栏、紧急呼叫器已安装",
        )
        short = n % 7 == 2
        flagged += short
        services.care_bed_record_month(
            actor=SYSTEM,
            bed=bed,
            month=last_month,
            visits=2 if short else rng.randint(4, 10),
            hours=Decimal(3 if short else rng.randint(8, 20)),
            services=rng.sample(["personal_care", "nursing", "health", "rehab", "comfort", "monitoring"], 3),
        )
    services.care_bed_claims_build(actor=SYSTEM, month=last_month)
    for n, claim in enumerate(CareBedClaim.objects.filter(month=last_month, bed__resident__in=candidates)):
        if n % 3:
            services.care_bed_claim_review(actor=SYSTEM, claim=claim)
        if n % 3 == 2:
            services.care_bed_claim_approve(actor=SYSTEM, claim=claim)
    return CareBed.objects.filter(resident__in=candidates).count(), flagged


def _adaptations(rng, actor, elders, grades, today) -> int:
    poor = [p for p in elders if (p.dibao or p.tekun) and grades[p.pk] >= 1][:8]
    plain = [p for p in elders if not (p.dibao or p.tekun)][:1]  # refused: not 低保/特困
    steps = [
        AdaptationStatus.APPLIED,
        AdaptationStatus.ASSESSED,
        AdaptationStatus.QUOTED,
        AdaptationStatus.WORKS,
    ]
    for n, person in enumerate(poor):
        case = services.adaptation_apply(actor=actor, resident=person, applied_on=add_months(today, -4))
        target = AdaptationStatus.ACCEPTED if n % 5 >= 3 else steps[n % 4]
        if target == AdaptationStatus.APPLIED:
            continue
        items = {"JC-01": 2, "JC-03": 1, "JC-04": rng.randint(1, 3), "JC-06": 1, "KX-01": 1}
        services.adaptation_assess_needs(actor=actor, case=case, items=items)
        if target == AdaptationStatus.ASSESSED:
            continue
        services.adaptation_quote(actor=actor, case=case, prices={"JC-03": Decimal(rng.choice([880, 950]))})
        if target == AdaptationStatus.QUOTED:
            continue
        services.adaptation_start_works(actor=actor, case=case, on=add_months(today, -2))
        if target == AdaptationStatus.WORKS:
            continue
        services.adaptation_accept(
            actor=actor,
            case=case,
            on=add_months(today, -1),
            before_photos=[_png(f"demo-before-{n}")],
            after_photos=[_png(f"demo-after-{n}")],
        )
    for person in plain:
        services.adaptation_apply(actor=actor, resident=person, applied_on=add_months(today, -1))
    return len(poor) + len(plain)


def _placements(actor, elders, grades, today) -> int:
    homes = list(
        Facility.objects.filter(
            is_demo=True, status=FacilityStatus.OPERATING, kind=FacilityKind.NURSING_HOME
        ).order_by("pk")[:4]
    )
    for home in homes:
        GuaranteedBeds.objects.create(facility=home, capacity=max(4, (home.beds_total or 40) // 10))
    if not homes:
        return 0
    placed = 0
    for n, person in enumerate(p for p in elders if p.tekun and grades[p.pk] >= 2):
        if placed >= 6:
            break
        home = next((h for h in homes if h.town_id == person.town_id), homes[n % len(homes)])
        if GuaranteedBeds.objects.filter(facility=home, used__lt=F("capacity")).exists():
            services.placement_start(
                actor=actor, resident=person, facility=home, start_on=add_months(today, -(n % 6) - 1)
            )
            placed += 1
    return placed
