"""Demo data of the community app (演示数据), called by `seed_demo` after the register, the facilities
and elder care (whose grades decide who counts as 失能).

Through the real services and re-runnable: a cost-sharing policy (kept once made), canteen profiles,
donations, last month's and this month's meals of the demo canteens imported from till files (a day's
file replaces that day, so a re-run never doubles), last month's draft claims computed and partly
reviewed, time-bank volunteers with confirmed hours (the ledger is append-only, so volunteers are made
once), and bathing/cleaning plans and visits with their photo and a callback.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from facilities.models import Facility, FacilityKind, FacilityStatus
from hechuan_portal.accounts.models import Role, User
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common import crypto
from hechuan_portal.common.months import add_months, month_start
from hechuan_portal.residents.demo import per_thousand_elders
from hechuan_portal.residents.models import HukouStatus, Resident

from . import services
from .models import (
    CanteenProfile,
    CarePlan,
    CareRecord,
    ClaimStatus,
    Donation,
    MealClaim,
    MealPolicy,
    PersonCategory,
    Volunteer,
)

SEED = 20261208
DEMO_SOURCE = "演示数据"  # the demo register's source (hechuan_portal/residents/demo.py)
DEMO_MARK = "演示数据"
# At the population's scale (hechuan_portal/residents/demo.py), demo assumptions: one canteen with meal
# records per 1,000 elders (as many as the demo registry has operating), and 30 regular diners per
# 1,000 elders shared among them; at the default 20,000 residents that is 6 canteens of about 27.
CANTEENS_PER_1000_ELDERS = 1
DINERS_PER_1000_ELDERS = 30
# A small demo (the tests') keeps what the demo had before it scaled: at least these.
MIN_CANTEENS = 6
MIN_DINERS = 25

SHARES = {
    PersonCategory.AGE_80: {"individual": "5", "enterprise": "1", "government": "4", "collective": "1", "donation": "1"},
    PersonCategory.DIBAO_TEKUN: {"individual": "3", "enterprise": "1", "government": "6", "collective": "1", "donation": "1"},
    PersonCategory.DISABLED: {"individual": "4", "enterprise": "1", "government": "5", "collective": "1", "donation": "1"},
    PersonCategory.OTHER_ELDER: {"individual": "8", "enterprise": "1", "government": "2", "collective": "0", "donation": "1"},
    PersonCategory.NON_ELDER: {"individual": "12"},
}  # fmt: skip


def _person_user() -> User:
    """The demo provider's account (no usable password): visits are recorded by a person."""
    user, _ = User.objects.get_or_create(
        username="demo_community_provider", defaults={"role": Role.DISTRICT_STAFF, "first_name": DEMO_MARK}
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed(*, residents: int, stdout) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    if not MealPolicy.objects.exists():
        services.policy_create(
            actor=SYSTEM,
            name=f"{DEMO_MARK}：老年助餐成本分担政策",
            effective_from=today.replace(month=1, day=1, year=today.year - 1),
            max_meals_per_day=2,
            shares={c: {k: Decimal(v) for k, v in s.items()} for c, s in SHARES.items()},
            note=f"{DEMO_MARK}：金额待区民政局确认",
        )
    canteens = list(
        Facility.objects.filter(
            is_demo=True, kind=FacilityKind.ELDER_CANTEEN, status=FacilityStatus.OPERATING
        ).order_by("pk")[: max(MIN_CANTEENS, per_thousand_elders(residents, CANTEENS_PER_1000_ELDERS))]
    )
    diners = -(-per_thousand_elders(residents, DINERS_PER_1000_ELDERS) // max(len(canteens), 1))
    donations = _donations(canteens, today)
    meals = sum(_meals(rng, canteen, today, diners=max(diners, MIN_DINERS)) for canteen in canteens)
    last_month = month_start(add_months(today, -1))
    claims = services.claims_compute(actor=SYSTEM, month=last_month) if meals else 0
    for n, claim in enumerate(MealClaim.objects.filter(month=last_month, status=ClaimStatus.DRAFT)):
        if n % 2 == 0:
            services.claim_review(actor=SYSTEM, claim=claim, reason=f"{DEMO_MARK}：镇街审核")
    volunteers = _time_bank(rng, today)
    visits = _care(rng, today)
    stdout.write(
        f"community: {len(canteens)} canteens, {meals} meals, {claims} claims, {donations} donations, "
        f"{volunteers} volunteers, {visits} bathing/cleaning visits (演示数据)\n"
    )


def _donations(canteens: list[Facility], today: dt.date) -> int:
    Donation.objects.filter(donor__startswith=DEMO_MARK).delete()
    rows = [
        ("演示数据：合川区慈善会", Decimal("50000"), "全区老年助餐补助", None),
        ("演示数据：某爱心企业", Decimal("12000"), "送餐上门配送费", canteens[0] if canteens else None),
        (
            "演示数据：社区居民捐款",
            Decimal("3600"),
            "高龄老人餐费减免",
            canteens[1] if len(canteens) > 1 else None,
        ),
    ]
    for n, (donor, amount, use, canteen) in enumerate(rows):
        services.donation_record(
            actor=SYSTEM,
            received_on=today - dt.timedelta(days=10 + 20 * n),
            donor=donor,
            amount=amount,
            use=use,
            town_id=canteen.town_id if canteen else None,
            canteen=canteen,
        )
    return len(rows)


def _category(person: Resident, today: dt.date) -> str:
    if person.dibao or person.tekun:
        return str(PersonCategory.DIBAO_TEKUN.label)
    if person.birth_date <= add_months(today, -12 * 80):
        return str(PersonCategory.AGE_80.label)
    return str(PersonCategory.OTHER_ELDER.label)


def _meals(rng: random.Random, canteen: Facility, today: dt.date, *, diners: int) -> int:
    """Last month's and this month's meals of one canteen, imported from its till file (CSV)."""
    CanteenProfile.objects.get_or_create(
        canteen=canteen,
        defaults={
            "seats": max(60, diners),  # a canteen of a large district seats its diners
            "payee_name": f"{DEMO_MARK}：{canteen.name}",
            "payee_account": "6222000000000000",
        },
    )
    people = list(
        Resident.objects.filter(
            source=DEMO_SOURCE,
            status=HukouStatus.NORMAL,
            town_id=canteen.town_id,
            birth_date__lte=add_months(today, -12 * 60),
        ).order_by("pk")[:diners]
    )
    if not people:
        return 0
    numbers = [(crypto.decrypt(p.id_cipher), _category(p, today)) for p in people]
    lines = ["日期,身份证号,人员类别,就餐方式,份数"]
    day = month_start(add_months(today, -1))
    while day < today:
        if day.weekday() < 6:
            for number, category in numbers:
                if rng.random() < 0.6:
                    way = "送餐上门" if rng.random() < 0.15 else "堂食"
                    lines.append(f"{day:%Y-%m-%d},{number},{category},{way},1")
            lines.append(f"{day:%Y-%m-%d},,非老年人,堂食,{rng.randint(2, 8)}")
        day += dt.timedelta(days=1)
    batch = services.meals_import(
        actor=SYSTEM,
        canteen=canteen,
        source=io.BytesIO(("\n".join(lines) + "\n").encode("utf-8")),
        file_name=f"{DEMO_MARK}-{canteen.pk}-{today:%Y%m%d}.csv",
        today=today,
    )
    return batch.meals or 0


def _time_bank(rng: random.Random, today: dt.date) -> int:
    """Volunteers (people 50–70 of the demo register) with confirmed hours and one redemption."""
    if Volunteer.objects.filter(resident__source=DEMO_SOURCE).exists():
        return Volunteer.objects.filter(resident__source=DEMO_SOURCE).count()
    people = list(
        Resident.objects.filter(
            source=DEMO_SOURCE,
            status=HukouStatus.NORMAL,
            town__isnull=False,
            birth_date__lte=add_months(today, -12 * 50),
            birth_date__gt=add_months(today, -12 * 70),
        ).order_by("pk")[:8]
    )
    for n, person in enumerate(people):
        volunteer = services.volunteer_register(actor=SYSTEM, resident=person)
        recipients = Resident.objects.filter(
            source=DEMO_SOURCE, town_id=person.town_id, birth_date__lte=add_months(today, -12 * 80)
        ).order_by("pk")[n : n + 3]
        for k, recipient in enumerate(recipients):
            service = services.service_record(
                actor=SYSTEM,
                volunteer=volunteer,
                recipient=recipient,
                day=today - dt.timedelta(days=5 + 9 * k),
                hours=Decimal(rng.choice([1, 1.5, 2, 3])),
                content=f"{DEMO_MARK}：{rng.choice(['陪同就医', '代购生活用品', '上门陪伴聊天', '协助打扫卫生'])}",
            )
            if k < 2:
                services.service_confirm(actor=SYSTEM, service=service)
        volunteer.refresh_from_db(fields=["balance"])
        # the first volunteer with an hour to spend redeems it (a small register may give none)
        if n == 0 and volunteer.balance >= 1:
            services.hours_redeem(
                actor=SYSTEM, volunteer=volunteer, hours=Decimal(1), source=f"{DEMO_MARK}：兑换助浴服务一次"
            )
    return len(people)


def _care(rng: random.Random, today: dt.date) -> int:
    """This month's bathing/cleaning plans for demo elders in difficulty, visits with a photo and a
    callback for half of them."""
    from eldercare.demo import _png  # the same stand-in photo; read at call time

    point = Facility.objects.filter(
        is_demo=True, kind=FacilityKind.BATHING_POINT, status=FacilityStatus.OPERATING
    ).first()
    demo = Resident.objects.filter(source=DEMO_SOURCE).values("pk")
    CareRecord.objects.filter(resident__in=demo, recorded_by__username="demo_community_provider").delete()
    CarePlan.objects.filter(resident__in=demo).delete()
    if point is None:
        return 0
    provider = _person_user()
    elders = list(
        Resident.objects.filter(
            source=DEMO_SOURCE,
            status=HukouStatus.NORMAL,
            town_id=point.town_id,
            birth_date__lte=add_months(today, -12 * 60),
        )
        .filter(tekun=True)
        .order_by("pk")[:6]
    )
    month = month_start(today)
    visits = 0
    for n, person in enumerate(elders):
        services.care_plan_set(actor=SYSTEM, resident=person, month=month, service="bathing", visits=2)
        if n % 3 == 2:
            continue  # nothing delivered yet this month
        record = services.care_record_create(
            actor=provider,
            resident=person,
            kind="bath_point",
            provider=point,
            photo=_png(f"demo-bath-{n}"),
            lng=point.location.x,
            lat=point.location.y,
            accuracy_m=15,
            performed_at=timezone.now() - dt.timedelta(hours=2 + n),
        )
        visits += 1
        if n % 2 == 0:
            services.care_callback(
                actor=SYSTEM,
                record=record,
                satisfaction=rng.choice([4, 5]),
                note=f"{DEMO_MARK}：老人表示满意",
            )
    return visits
