"""Home adaptation and family care beds, each end to end: a refusal, the per-household subsidy cap and
the one-subsidy rule; a bed from application to a paid claim, and a bed below the monthly minimum
flagged and not claimed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point

from facilities.models import Facility, FacilityKind, FacilityStatus
from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError

from .. import selectors, services
from ..models import (
    AdaptationCase,
    AdaptationPolicy,
    AdaptationStatus,
    CareBed,
    CareBedClaim,
    CareBedStatus,
    ClaimStatus,
)
from .factories import TOWN_B, elder, photo

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 10, 8)
MONTH = dt.date(2026, 10, 1)


# --- home adaptation ------------------------------------------------------------------------------


def test_adaptation_end_to_end_with_the_subsidy_cap(officer_a, grade_of):
    resident, _ = elder(dibao=True)
    grade_of(resident, 70)  # grade 1: partly disabled
    case = services.adaptation_apply(actor=officer_a, resident=resident, applied_on=DAY)
    assert case.status == AdaptationStatus.APPLIED
    # Basic: 2 grab rails 600 + toilet 900 + floor ×2 1,000 + ramp 600 + bed rail 250 = 3,350; optional: alarm 800.
    services.adaptation_assess_needs(
        actor=officer_a,
        case=case,
        items={"JC-01": 2, "JC-03": 1, "JC-04": 2, "JC-05": 1, "JC-06": 1, "KX-01": 1},
    )
    services.adaptation_quote(actor=officer_a, case=case, prices={"JC-03": Decimal("950.00")})
    assert case.quote_total == Decimal("4200.00")
    services.adaptation_start_works(actor=officer_a, case=case, on=dt.date(2026, 10, 20))
    services.adaptation_accept(
        actor=officer_a,
        case=case,
        on=dt.date(2026, 11, 5),
        before_photos=[photo("b")],
        after_photos=[photo("a")],
    )
    case.refresh_from_db()
    assert case.status == AdaptationStatus.ACCEPTED
    # Basic items come to 3,400 after the quote: the subsidy stops at the ¥3,000 cap.
    assert (case.subsidy, case.self_paid) == (Decimal("3000.00"), Decimal("1200.00"))
    assert (
        AuditEvent.objects.filter(object_type="eldercare.adaptationcase", object_id=str(case.pk)).count() == 5
    )


def test_basic_items_below_the_cap_are_paid_in_full(officer_a, grade_of):
    resident, _ = elder(tekun=True)
    grade_of(resident, 50)
    case = services.adaptation_apply(actor=officer_a, resident=resident, applied_on=DAY)
    services.adaptation_assess_needs(actor=officer_a, case=case, items={"JC-01": 1, "KX-03": 1})
    services.adaptation_quote(actor=officer_a, case=case, prices={})
    services.adaptation_start_works(actor=officer_a, case=case, on=DAY)
    services.adaptation_accept(
        actor=officer_a, case=case, on=DAY, before_photos=[photo("b")], after_photos=[photo("a")]
    )
    assert (case.subsidy, case.self_paid) == (Decimal("300.00"), Decimal("600.00"))


def test_a_second_subsidy_for_the_same_home_is_refused_unless_the_policy_allows(officer_a, grade_of):
    resident, _ = elder(dibao=True)
    grade_of(resident, 70)
    case = services.adaptation_apply(actor=officer_a, resident=resident, applied_on=DAY)
    services.adaptation_assess_needs(actor=officer_a, case=case, items={"JC-02": 1})
    services.adaptation_quote(actor=officer_a, case=case, prices={})
    services.adaptation_start_works(actor=officer_a, case=case, on=DAY)
    services.adaptation_accept(
        actor=officer_a, case=case, on=DAY, before_photos=[photo("b")], after_photos=[photo("a")]
    )
    with pytest.raises(PortalError) as refused:
        services.adaptation_apply(actor=officer_a, resident=resident, applied_on=dt.date(2026, 12, 1))
    assert (refused.value.code, refused.value.field) == ("already_adapted", "resident")
    assert AdaptationCase.objects.count() == 1
    AdaptationPolicy.objects.update(allow_repeat=True)
    assert (
        services.adaptation_apply(actor=officer_a, resident=resident, applied_on=dt.date(2026, 12, 1)).status
        == "applied"
    )


@pytest.mark.parametrize(
    ("flags", "total", "reason"),
    [({}, 70, "not_poor"), ({"dibao": True}, 90, "grade_too_low"), ({"dibao": True}, None, "grade_too_low")],
)
def test_an_applicant_outside_the_rules_is_recorded_as_refused(officer_a, grade_of, flags, total, reason):
    resident, _ = elder(**flags)
    if total is not None:
        grade_of(resident, total)
    case = services.adaptation_apply(actor=officer_a, resident=resident, applied_on=DAY)
    assert (case.status, case.refusal_reason) == (AdaptationStatus.REFUSED, reason)
    with pytest.raises(PortalError) as refused:
        services.adaptation_assess_needs(actor=officer_a, case=case, items={"JC-01": 1})
    assert refused.value.code == "wrong_status"


def test_unknown_catalogue_items_and_other_towns_are_refused(officer_a, officer_b, grade_of):
    resident, _ = elder(dibao=True)
    grade_of(resident, 60)
    case = services.adaptation_apply(actor=officer_a, resident=resident, applied_on=DAY)
    with pytest.raises(PortalError) as refused:
        services.adaptation_assess_needs(actor=officer_a, case=case, items={"ZZ-99": 1})
    assert (refused.value.code, refused.value.field) == ("unknown_item", "items.ZZ-99")
    with pytest.raises(PortalError) as refused:
        services.adaptation_assess_needs(actor=officer_b, case=case, items={"JC-01": 1})
    assert refused.value.status == 403
    assert case.lines.count() == 0


# --- family care beds -----------------------------------------------------------------------------


def active_bed(officer, resident, provider):
    bed = services.care_bed_apply(actor=officer, resident=resident, applied_on=DAY)
    services.care_bed_agree(actor=officer, bed=bed, provider=provider, on=DAY)
    return services.care_bed_set_up(
        actor=officer,
        bed=bed,
        on=DAY,
        location=Point(106.271, 29.991, srid=4326),
        notes="床边护栏、呼叫器已安装",
        photos=[photo("bed")],
    )


def test_care_bed_end_to_end_and_a_bed_below_the_minimum(
    officer_a, operator, district_staff, district_admin, provider, grade_of
):
    served, _ = elder()
    short, _ = elder()
    grade_of(served, 50)  # grade 2
    grade_of(short, 35)  # grade 3
    bed = active_bed(officer_a, served, provider)
    short_bed = active_bed(officer_a, short, provider)
    assert bed.status == CareBedStatus.ACTIVE and bed.grade == 2
    # The provider records the month: one bed reaches the minimum (4 visits, 8 hours), one does not.
    services.care_bed_record_month(
        actor=operator,
        bed=bed,
        month=MONTH,
        visits=6,
        hours=Decimal("12.5"),
        services=["personal_care", "nursing"],
    )
    services.care_bed_record_month(
        actor=operator, bed=short_bed, month=MONTH, visits=2, hours=Decimal("3"), services=["comfort"]
    )
    assert list(selectors.care_beds_below_minimum(month=MONTH)) == [short_bed]
    assert services.care_bed_claims_build(actor=district_staff, month=MONTH) == {"claims": 1, "flagged": 1}
    assert services.care_bed_claims_build(actor=district_staff, month=MONTH) == {"claims": 0, "flagged": 1}
    claim = CareBedClaim.objects.get()
    assert (claim.bed, claim.amount, claim.status) == (bed, Decimal("300.00"), ClaimStatus.SUBMITTED)
    assert not CareBedClaim.objects.filter(bed=short_bed).exists()
    # Town review, district approval, paid in the month's roll.
    with pytest.raises(PortalError):
        services.care_bed_claim_approve(actor=district_staff, claim=claim)  # not reviewed yet
    services.care_bed_claim_review(actor=officer_a, claim=claim)
    services.care_bed_claim_approve(actor=district_staff, claim=claim)
    assert services.care_bed_claims_pay(actor=district_admin, month=MONTH, paid_on=dt.date(2026, 11, 10)) == 1
    claim.refresh_from_db()
    assert (claim.status, claim.paid_on) == (ClaimStatus.PAID, dt.date(2026, 11, 10))
    # A claimed month is closed to further service records.
    with pytest.raises(PortalError):
        services.care_bed_record_month(
            actor=operator, bed=bed, month=MONTH, visits=9, hours=Decimal(20), services=[]
        )


def test_a_care_bed_for_a_person_below_grade_2_is_refused(officer_a, grade_of):
    resident, _ = elder()
    grade_of(resident, 70)  # grade 1
    bed = services.care_bed_apply(actor=officer_a, resident=resident, applied_on=DAY)
    assert (bed.status, bed.refusal_reason) == (CareBedStatus.REFUSED, "grade_too_low")
    never, _ = elder()
    assert (
        services.care_bed_apply(actor=officer_a, resident=never, applied_on=DAY).status
        == CareBedStatus.REFUSED
    )
    # A refusal does not block a later application; an open bed does.
    grade_of(resident, 40)
    assert (
        services.care_bed_apply(actor=officer_a, resident=resident, applied_on=DAY).status
        == CareBedStatus.ELIGIBLE
    )
    with pytest.raises(PortalError) as refused:
        services.care_bed_apply(actor=officer_a, resident=resident, applied_on=DAY)
    assert refused.value.code == "open_bed_exists"


def test_only_the_provider_records_services_and_only_the_district_approves(
    officer_a, officer_b, operator, provider, grade_of
):
    resident, _ = elder()
    grade_of(resident, 40)
    bed = active_bed(officer_a, resident, provider)
    for actor in (officer_a, officer_b):
        with pytest.raises(PortalError):
            services.care_bed_record_month(
                actor=actor, bed=bed, month=MONTH, visits=5, hours=Decimal(9), services=[]
            )
    with pytest.raises(PortalError):
        services.care_bed_claims_build(actor=officer_a, month=MONTH)
    with pytest.raises(PortalError):
        services.care_bed_claims_pay(actor=operator, month=MONTH, paid_on=DAY)
    services.care_bed_record_month(
        actor=operator, bed=bed, month=MONTH, visits=5, hours=Decimal(9), services=[]
    )
    assert services.care_bed_claims_build(actor=SYSTEM, month=MONTH)["claims"] == 1
    claim = CareBedClaim.objects.get()
    with pytest.raises(PortalError):
        services.care_bed_claim_review(actor=officer_b, claim=claim)
    assert CareBedClaim.objects.get().status == ClaimStatus.SUBMITTED


def test_a_bed_needs_an_elder_care_provider(officer_a, grade_of):
    resident, _ = elder()
    grade_of(resident, 40)
    bed = services.care_bed_apply(actor=officer_a, resident=resident, applied_on=DAY)
    nursery = Facility.objects.create(
        name="托育园", kind=FacilityKind.NURSERY, town_id=TOWN_B, location=Point(106.2, 29.9, srid=4326),
        status=FacilityStatus.OPERATING,
    )  # fmt: skip
    with pytest.raises(PortalError) as refused:
        services.care_bed_agree(actor=officer_a, bed=bed, provider=nursery, on=DAY)
    assert refused.value.code == "not_elder_facility"
    assert CareBed.objects.get().status == CareBedStatus.ELIGIBLE


# --- institution support: guaranteed beds, placements and the share --------------------------------


def test_placements_claim_guaranteed_beds_up_to_capacity(officer_a, nursing_home, grade_of):
    from ..models import GuaranteedBeds, Placement

    first, _ = elder(dt.date(1940, 1, 1), tekun=True)
    second, _ = elder(dt.date(1941, 1, 1), tekun=True)
    placement = services.placement_start(actor=officer_a, resident=first, facility=nursing_home, start_on=DAY)
    with pytest.raises(PortalError) as refused:
        services.placement_start(actor=officer_a, resident=second, facility=nursing_home, start_on=DAY)
    assert (refused.value.code, refused.value.field) == ("no_guaranteed_bed", "facility")
    assert Placement.objects.count() == 1
    # Not on a guaranteed bed: no capacity needed. Leaving frees the bed.
    services.placement_start(
        actor=officer_a, resident=second, facility=nursing_home, start_on=DAY, guaranteed=False
    )
    services.placement_end(actor=officer_a, placement=placement, end_on=dt.date(2026, 11, 1))
    assert GuaranteedBeds.objects.get().used == 0
    with pytest.raises(PortalError):
        services.placement_end(actor=officer_a, placement=placement, end_on=dt.date(2026, 11, 2))


def test_the_share_counts_placed_and_home_served_eligible_elders(
    officer_a, district_staff, nursing_home, provider, grade_of
):
    placed, _ = elder(dt.date(1940, 1, 1), tekun=True)
    at_home, _ = elder(dt.date(1941, 1, 1), dibao=True)
    waiting, _ = elder(dt.date(1942, 1, 1), dibao=True)
    for person in (placed, at_home, waiting):
        grade_of(person, 40)
    services.placement_start(actor=officer_a, resident=placed, facility=nursing_home, start_on=DAY)
    active_bed(officer_a, at_home, provider)
    share = selectors.institution_support_share(as_of=dt.date(2026, 12, 1))
    assert share == {"eligible": 3, "served": 2, "rate": 2 / 3}
    assert selectors.institution_support_share(town=TOWN_B, as_of=dt.date(2026, 12, 1))["rate"] is None


def test_the_elder_page_shows_beds_adaptation_and_placement(
    officer_a, officer_a_client, nursing_home, grade_of
):
    resident, _ = elder(dt.date(1940, 1, 1), tekun=True)
    grade_of(resident, 40)
    services.placement_start(actor=officer_a, resident=resident, facility=nursing_home, start_on=DAY)
    services.adaptation_apply(actor=officer_a, resident=resident, applied_on=DAY)
    services.care_bed_apply(actor=officer_a, resident=resident, applied_on=DAY)
    html = officer_a_client.get(f"/manage/eldercare/elders/{resident.pk}/").content.decode()
    assert "合川区社会福利院" in html and "兜底床位" in html and "2026年10月8日 入住" in html
    assert html.count("登记人 officer_a") == 3


# --- photos (stored by their hash, like inspection photos) ---------------------------------------


def test_set_up_needs_a_photo_and_acceptance_needs_before_and_after(officer_a, provider, grade_of):
    resident, _ = elder(dibao=True)
    grade_of(resident, 50)
    bed = services.care_bed_apply(actor=officer_a, resident=resident, applied_on=DAY)
    services.care_bed_agree(actor=officer_a, bed=bed, provider=provider, on=DAY)
    with pytest.raises(PortalError) as refused:
        services.care_bed_set_up(actor=officer_a, bed=bed, on=DAY, photos=[])
    assert (refused.value.code, refused.value.field) == ("photo_required", "photos")
    services.care_bed_set_up(actor=officer_a, bed=bed, on=DAY, photos=[photo("bed1"), photo("bed2")])
    assert sorted(p.content_type for p in bed.photos.all()) == ["image/png", "image/png"]
    assert all(p.file.name.startswith("eldercare/") and p.uploaded_by == officer_a for p in bed.photos.all())

    case = services.adaptation_apply(actor=officer_a, resident=resident, applied_on=DAY)
    services.adaptation_assess_needs(actor=officer_a, case=case, items={"JC-01": 1})
    services.adaptation_quote(actor=officer_a, case=case, prices={})
    services.adaptation_start_works(actor=officer_a, case=case, on=DAY)
    with pytest.raises(PortalError) as refused:
        services.adaptation_accept(
            actor=officer_a, case=case, on=DAY, before_photos=[photo("b")], after_photos=[]
        )
    assert refused.value.code == "before_after_photos"
    case.refresh_from_db()
    assert case.status == AdaptationStatus.WORKS and not case.photos.exists()
    services.adaptation_accept(
        actor=officer_a, case=case, on=DAY, before_photos=[photo("b")], after_photos=[photo("a")]
    )
    assert sorted(case.photos.values_list("stage", flat=True)) == ["after", "before"]
