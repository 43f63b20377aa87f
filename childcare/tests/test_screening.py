"""Check-up generation, results by partner clinics, follow-ups, overdue lists and visibility."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from pygrowup.tables.by_day import wfa

from childcare import selectors
from childcare.models import Checkup, ChildcareProfile, FollowUp
from childcare.services import checkup_record, checkups_generate, enrolment_create
from conftest import make_user
from hechuan_portal.accounts.models import Role
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.months import add_months

from .factories import ChildFactory, FacilityFactory

TODAY = timezone.localdate()


@pytest.fixture
def clinic(db):
    return FacilityFactory(kind="medical_partner", name="合阳社区卫生服务中心")


@pytest.fixture
def enrolled(small_class, operator):
    """A boy who is 13 months old today, enrolled today."""
    kid = ChildFactory(birth_date=add_months(TODAY, -13), gender="M", facility=small_class.facility)
    enrolment_create(actor=operator, child=kid, klass=small_class, start_date=TODAY)
    return kid


def test_enrolment_generates_the_due_checkups(enrolled):
    # Due from 30 days before the start on: the 12-month check-up (a month ago) and all later ones.
    assert list(Checkup.objects.filter(child=enrolled).values_list("age_months", flat=True)) == [
        12,
        18,
        24,
        30,
        36,
        48,
        60,
        72,
    ]
    c12 = Checkup.objects.get(child=enrolled, age_months=12)
    assert c12.due_date == add_months(enrolled.birth_date, 12)
    assert (c12.hearing_due, c12.vision_due) == (True, True)
    c24 = Checkup.objects.get(child=enrolled, age_months=24)
    assert c24.vision_checks_due == ["eye_exam", "refraction"]
    assert checkups_generate(actor=SYSTEM) == 8  # nightly run offers the same rows; nothing new is stored
    assert Checkup.objects.filter(child=enrolled).count() == 8


def test_clinic_records_growth_with_zscores_and_follow_ups(enrolled, clinic):
    nurse = make_user("nurse", Role.FACILITY_OPERATOR)
    clinic.operators.add(nurse)
    checkup = Checkup.objects.get(child=enrolled, age_months=12)
    birth = enrolled.birth_date
    performed = birth + dt.timedelta(days=365)
    low = wfa.DATA["male"][365]["m"] - Decimal("2.2")  # well below −2 SD (7.74 kg)
    checkup_record(
        actor=nurse,
        checkup=checkup,
        clinic=clinic,
        performed_on=performed,
        hearing="refer",
        vision="pass",
        vision_checks_done=["eye_exam"],
        weight_kg=low,
        length_cm=Decimal("75.0"),
        head_cm=Decimal("46.0"),
        notes="家长反映夜间易醒",
    )
    checkup.refresh_from_db()
    assert checkup.status == "done"
    assert checkup.z_wfa < Decimal("-2")
    assert checkup.underweight == "moderate"
    assert checkup.notes_cipher is not None and b"\xe5\xae\xb6" not in bytes(checkup.notes_cipher)
    reasons = dict(FollowUp.objects.filter(checkup=checkup).values_list("reason", "due_date"))
    assert reasons["hearing_refer"] == performed + dt.timedelta(days=42)
    assert reasons["underweight"] == performed + dt.timedelta(days=30)
    assert "vision_refer" not in reasons
    with pytest.raises(PortalError) as exc:
        checkup_record(actor=nurse, checkup=checkup, clinic=clinic, performed_on=performed)
    assert exc.value.code == "checkup_already_recorded"


def test_only_partner_clinics_record(enrolled, clinic, operator):
    checkup = Checkup.objects.get(child=enrolled, age_months=12)
    with pytest.raises(PortalError) as exc:
        checkup_record(actor=operator, checkup=checkup, clinic=enrolled.facility, performed_on=TODAY)
    assert exc.value.code == "clinic_not_medical_partner"
    with pytest.raises(PortalError) as exc:
        checkup_record(actor=operator, checkup=checkup, clinic=clinic, performed_on=TODAY)
    assert exc.value.code == "not_clinic_staff"
    checkup.refresh_from_db()
    assert checkup.status == "due"


def test_screening_visibility(enrolled, clinic, operator, officer_a, district_staff, auditor):
    nurse = make_user("nurse", Role.FACILITY_OPERATOR)
    clinic.operators.add(nurse)
    other_nurse = make_user("nurse2", Role.FACILITY_OPERATOR)
    FacilityFactory(kind="medical_partner", name="别的诊所").operators.add(other_nurse)
    checkup = Checkup.objects.get(child=enrolled, age_months=12)
    checkup_record(actor=nurse, checkup=checkup, clinic=clinic, performed_on=TODAY, hearing="pass")
    assert Checkup.objects.visible_to(operator).count() == 8
    assert list(Checkup.objects.visible_to(nurse).values_list("pk", flat=True)) == [checkup.pk]
    assert Checkup.objects.visible_to(district_staff).count() == 8
    assert Checkup.objects.visible_to(officer_a).count() == 0
    assert Checkup.objects.visible_to(auditor).count() == 0
    assert Checkup.objects.visible_to(other_nurse).count() == 0
    # The facility's partner clinic sees every check-up of its children, due ones included.
    ChildcareProfile.objects.update_or_create(facility=enrolled.facility, defaults={"partner_clinic": clinic})
    assert Checkup.objects.visible_to(nurse).count() == 8


def test_overdue_lists(enrolled, operator, district_staff):
    # The 12-month check-up was due a month ago: overdue once its 30-day grace has passed.
    due = Checkup.objects.get(child=enrolled, age_months=12).due_date
    assert list(selectors.overdue_checkups(user=operator, today=due + dt.timedelta(days=30))) == []
    later = due + dt.timedelta(days=31)
    overdue = list(selectors.overdue_checkups(user=operator, today=later))
    assert [c.age_months for c in overdue] == [12]
    counts = selectors.overdue_counts(user=district_staff, today=later)
    assert counts["checkups_by_town"] == [
        {"facility__town": "500117001000", "facility__town__name": "合阳城街道", "n": 1}
    ]
    assert counts["checkups_by_facility"][0]["n"] == 1
