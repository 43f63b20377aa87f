"""Reads of elder care: the policy in force, each person's latest grade (set-based, for monitoring's
visit tiers and the dashboard), the to-assess and institution-support lists, assessment coverage and
the elder's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from hechuan_portal.common import crypto, idcard
from hechuan_portal.common.months import add_months
from hechuan_portal.residents.models import HukouStatus, Resident

from . import standards
from .models import Assessment, AssessmentCoverage, AssessmentPolicy

ELDER_AGE = 80


def policy_in_force(day: dt.date | None = None) -> AssessmentPolicy | None:
    """The grading policy whose effective date is the latest on or before `day` (today)."""
    return AssessmentPolicy.objects.in_force_on(day or timezone.localdate())


def rules_on(day: dt.date | None = None) -> standards.Rules:
    """The rules in force on `day`; STANDARDS §5's defaults when no policy row exists."""
    policy = policy_in_force(day)
    return policy.rules() if policy else standards.DEFAULT_RULES


def find_resident(*, user: Any, id_number: str) -> Resident | None:
    """A person in the register by full ID number (blind index), within the user's scope."""
    value = idcard.normalise(id_number or "")
    if len(value) != 18:
        return None
    return (
        Resident.objects.visible_to(user)
        .select_related("town", "community")
        .filter(id_index=crypto.blind_index(value))
        .first()
    )


def latest_signed(resident_ref: Any = None) -> QuerySet[Assessment]:
    """Signed assessments of the outer row's resident, latest first (served by the partial index
    eldercare_assess_latest_idx). `resident_ref` defaults to `OuterRef("pk")` (a Resident query)."""
    ref = OuterRef("pk") if resident_ref is None else resident_ref
    return Assessment.objects.signed().filter(resident_id=ref).order_by("-assessed_on", "-signed_at")


def latest_final_grade(resident_ref: Any = None) -> Subquery:
    """The final grade of the outer row's latest signed assessment, NULL when never assessed.

    Set-based: annotate any queryset that reaches a resident, e.g. monitoring's visit list::

        WelfareVisit.objects.annotate(grade=latest_final_grade(OuterRef("resident_id")))
        Resident.objects.annotate(grade=latest_final_grade()).filter(grade__gte=2)
    """
    return Subquery(latest_signed(resident_ref).values("final_grade")[:1], output_field=IntegerField())


def latest_final_grades() -> QuerySet:
    """Rows (resident_id, final_grade, assessed_on) of each assessed person's latest signed assessment:
    one DISTINCT ON query, usable as a subquery (`resident_id__in=…`) or joined by resident."""
    return (
        Assessment.objects.signed()
        .order_by("resident_id", "-assessed_on", "-signed_at")
        .distinct("resident_id")
        .values("resident_id", "final_grade", "assessed_on")
    )


def disabled_q(resident_ref: Any = None, *, rules: standards.Rules | None = None) -> Q:
    """失能 (latest final grade ≥ the policy's threshold, STANDARDS §8 'key' tier) as a filter on any
    queryset reaching a resident: `Resident.objects.filter(disabled_q())`, or for monitoring's visit
    tiers `WelfareVisit.objects.filter(disabled_q(OuterRef("resident_id")))`."""
    rules = rules or rules_on()
    return Q(GreaterThanOrEqual(latest_final_grade(resident_ref), Value(rules.disabled_min_grade)))


def _aged_on(as_of: dt.date) -> dt.date:
    """Born on or before this day: 80 or older on `as_of`."""
    return add_months(as_of, -12 * ELDER_AGE)


def _elders(user: Any, town: str | None, as_of: dt.date) -> QuerySet[Resident]:
    qs = Resident.objects.visible_to(user).filter(
        status=HukouStatus.NORMAL, town__isnull=False, birth_date__lte=_aged_on(as_of)
    )
    return qs.filter(town_id=town) if town else qs


def _valid_assessment(as_of: dt.date, rules: standards.Rules) -> Exists:
    """A signed assessment not yet due again: assessed after `as_of` minus the re-assessment interval."""
    return Exists(
        Assessment.objects.signed().filter(
            resident_id=OuterRef("pk"),
            assessed_on__gt=add_months(as_of, -rules.reassess_months),
            assessed_on__lte=as_of,
        )
    )


def to_assess(*, user: Any, town: str | None = None, as_of: dt.date | None = None) -> QuerySet[Resident]:
    """The to-assess list: everyone 80+ in the register (alive, registered in the district, within
    the user's scope, of `town` when given) without a valid assessment — never assessed, or due again
    `reassess_months` after the last. One query (an anti-join), oldest first; each row carries
    `last_assessed_on` (NULL when never assessed) and `last_grade`."""
    as_of = as_of or timezone.localdate()
    rules = rules_on(as_of)
    last = latest_signed()
    return (
        _elders(user, town, as_of)
        .filter(~_valid_assessment(as_of, rules))
        .annotate(
            last_assessed_on=Subquery(last.values("assessed_on")[:1]),
            last_grade=Subquery(last.values("final_grade")[:1]),
        )
        .select_related("town")
        .order_by("birth_date", "id")
    )


def assessment_coverage(
    *, user: Any = None, town: str | None = None, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The dashboard's "80岁以上能力评估覆盖率": people 80+ and those with a valid assessment, for the
    district (user None = everyone), the user's scope or one town, summed from the day's
    `AssessmentCoverage` rows (`services.coverage_ensure` first: selectors never write). `rate` is
    None when nobody is 80+."""
    from hechuan_portal.accounts.roles import SYSTEM

    rows = AssessmentCoverage.objects.visible_to(user or SYSTEM).filter(as_of=as_of or timezone.localdate())
    counts = (rows.filter(town_id=town) if town else rows).aggregate(
        aged80=Sum("aged80"), assessed=Sum("assessed")
    )
    aged80, assessed = counts["aged80"] or 0, counts["assessed"] or 0
    return {"aged80": aged80, "assessed": assessed, "rate": (assessed / aged80) if aged80 else None}


def coverage_rows(*, as_of: dt.date) -> QuerySet:
    """The day's summary rows (town_id, aged80, assessed) of the towns with anyone 80+: what the
    overview's indicator reads, the same rows as the eldercare page."""
    return (
        AssessmentCoverage.objects.filter(as_of=as_of, aged80__gt=0)
        .order_by()
        .values("town_id", "aged80", "assessed")
    )


def coverage_by_town(*, as_of: dt.date, town: str | None = None) -> QuerySet:
    """Per town (or one town): (town_id, aged80, assessed) counted from the register and the signed
    assessments in one GROUP BY: the one count behind the `AssessmentCoverage` rows (its only reader
    is `services.coverage_refresh`)."""
    from hechuan_portal.accounts.roles import SYSTEM

    rules = rules_on(as_of)
    return (
        _elders(SYSTEM, town, as_of)
        .order_by()
        .values("town_id")
        .annotate(aged80=Count("pk"), assessed=Count("pk", filter=_valid_assessment(as_of, rules)))
    )


def institution_support(
    *, user: Any, town: str | None = None, as_of: dt.date | None = None
) -> QuerySet[Resident]:
    """二(一): elders (60+) with 低保 or 特困 whose latest signed final grade is at or above the
    policy's 失能 threshold, per town — one query; rows carry `grade`."""
    as_of = as_of or timezone.localdate()
    rules = rules_on(as_of)
    qs = Resident.objects.visible_to(user).filter(
        Q(dibao=True) | Q(tekun=True),
        status=HukouStatus.NORMAL,
        town__isnull=False,
        birth_date__lte=add_months(as_of, -12 * 60),
    )
    if town:
        qs = qs.filter(town_id=town)
    return (
        qs.annotate(grade=latest_final_grade())
        .filter(grade__gte=rules.disabled_min_grade)
        .select_related("town")
        .order_by("town_id", "birth_date", "id")
    )


def _served_q(as_of: dt.date) -> Q:
    """Placed in an institution (an open placement) or served at home (an active family care bed)."""
    from .models import CareBed, CareBedStatus, Placement

    placed = Placement.objects.filter(resident_id=OuterRef("pk"), start_on__lte=as_of).filter(
        Q(end_on__isnull=True) | Q(end_on__gt=as_of)
    )
    at_home = CareBed.objects.filter(resident_id=OuterRef("pk"), status=CareBedStatus.ACTIVE)
    return Q(Exists(placed)) | Q(Exists(at_home))


def institution_support_share(*, town: str | None = None, as_of: dt.date | None = None) -> dict[str, Any]:
    """The dashboard's institution-support figure: eligible elders (see `institution_support`) and how
    many of them are placed in an institution or served at home, in one aggregate query. `rate` is
    None when nobody is eligible."""
    from hechuan_portal.accounts.roles import SYSTEM

    as_of = as_of or timezone.localdate()
    counts = (
        institution_support(user=SYSTEM, town=town, as_of=as_of)
        .order_by()
        .aggregate(eligible=Count("pk"), served=Count("pk", filter=_served_q(as_of)))
    )
    eligible, served = counts["eligible"], counts["served"]
    return {"eligible": eligible, "served": served, "rate": (served / eligible) if eligible else None}


def institution_support_by_town(*, as_of: dt.date) -> QuerySet:
    """Per town: (town_id, eligible, served) in one GROUP BY — the dashboard's figure by town."""
    from hechuan_portal.accounts.roles import SYSTEM

    return (
        institution_support(user=SYSTEM, as_of=as_of)
        .order_by()
        .values("town_id")
        .annotate(eligible=Count("pk"), served=Count("pk", filter=_served_q(as_of)))
    )


def assessments_of(*, user: Any, resident: Resident) -> QuerySet[Assessment]:
    """A person's assessments, latest first, with both assessors."""
    return (
        Assessment.objects.visible_to(user)
        .filter(resident=resident)
        .select_related("assessor", "second_assessor", "policy")
        .order_by("-assessed_on", "-id")
    )


def awaiting_sign_off(*, user: Any) -> QuerySet[Assessment]:
    """Unsigned assessments in the user's scope, oldest first (the sign-off queue)."""
    return (
        Assessment.objects.visible_to(user)
        .filter(signed_at__isnull=True)
        .select_related("resident", "assessor", "town")
        .order_by("created_at", "id")
    )


def elder_page(*, user: Any, resident: Resident) -> dict[str, Any]:
    """Everything the elder's page shows, each with its date and who recorded it: allowance months
    and amounts (subsidies), assessments, special-difficulty categories and visits (monitoring).
    A fixed number of queries whatever the person's history."""
    from monitoring.models import WelfareVisit
    from subsidies.models import AllowanceGrant, PaymentLine

    from .models import AdaptationCase, CareBed, Placement

    assessments = list(assessments_of(user=user, resident=resident))
    categories = [
        label
        for flag, label in (
            (resident.dibao, Resident._meta.get_field("dibao").verbose_name),
            (resident.tekun, Resident._meta.get_field("tekun").verbose_name),
            (resident.lives_alone, Resident._meta.get_field("lives_alone").verbose_name),
            (resident.empty_nest, Resident._meta.get_field("empty_nest").verbose_name),
            (resident.left_behind, Resident._meta.get_field("left_behind").verbose_name),
            (resident.special_family, Resident._meta.get_field("special_family").verbose_name),
            (
                resident.disability_grade is not None,
                Resident._meta.get_field("disability_grade").verbose_name,
            ),
        )
        if flag
    ]
    signed = [a for a in assessments if a.is_signed]
    return {
        "resident": resident,
        "latest": signed[0] if signed else None,
        "assessments": assessments,
        "categories": categories,
        "grant": AllowanceGrant.objects.filter(resident=resident).first(),
        "payments": list(
            PaymentLine.objects.filter(resident=resident).select_related("period").order_by("-month")[:24]
        ),
        "placements": list(
            Placement.objects.filter(resident=resident)
            .select_related("facility", "recorded_by")
            .order_by("-start_on")
        ),
        "care_beds": list(
            CareBed.objects.filter(resident=resident)
            .select_related("provider", "recorded_by")
            .order_by("-applied_on")
        ),
        "adaptations": list(
            AdaptationCase.objects.filter(resident=resident)
            .select_related("recorded_by")
            .order_by("-applied_on")
        ),
        "visits": list(
            WelfareVisit.objects.visible_to(user)
            .filter(resident=resident)
            .select_related("visitor")
            .order_by("-visited_on")[:12]
        ),
    }


def care_beds_below_minimum(*, month: dt.date) -> QuerySet:
    """Active beds (set up before the month ended) whose month's services fall short of the policy's
    minimum — or were never recorded: flagged, never claimed. One query."""
    from hechuan_portal.common.months import month_end

    from .models import CareBed, CareBedMonth, CareBedPolicy, CareBedStatus

    policy = CareBedPolicy.objects.filter(effective_from__lte=month).order_by("-effective_from").first()
    met = CareBedMonth.objects.filter(bed_id=OuterRef("pk"), month=month)
    if policy is not None:
        met = met.filter(visits__gte=policy.min_visits, hours__gte=policy.min_hours)
    return CareBed.objects.filter(status=CareBedStatus.ACTIVE, setup_on__lte=month_end(month)).filter(
        ~Exists(met)
    )


def ltc_rows(*, as_of: dt.date | None = None) -> QuerySet:
    """For the medical insurance bureau: people alive in the register whose latest signed final grade
    is at least the policy's long-term-care grade (demo 3), as export rows (id_cipher, name, gender,
    birth_date, town name, assessment date, grade). One query."""
    as_of = as_of or timezone.localdate()
    policy = policy_in_force(as_of)
    min_grade = policy.ltc_min_grade if policy else standards.Grade.SEVERE
    last = latest_signed()
    return (
        Resident.objects.filter(status=HukouStatus.NORMAL, town__isnull=False)
        .annotate(grade=latest_final_grade(), assessed_on=Subquery(last.values("assessed_on")[:1]))
        .filter(grade__gte=min_grade)
        .order_by("town_id", "id")
        .values_list("id_cipher", "name", "gender", "birth_date", "town__name", "assessed_on", "grade")
    )
