"""Childcare ages at their boundary days (STANDARDS §3, §4): the age on the start date fits the class
type, no start before the birth, no birth in the future, and a child who outgrows the class type
while enrolled is listed to move (operator and town), from the very day."""

import datetime as dt

import pytest
from django.utils import timezone

from childcare import selectors
from childcare.services import child_create, class_create, enrolment_create
from conftest import TOWN_A
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.months import add_months

from .factories import ChildFactory

TODAY = timezone.localdate()
BIRTH = dt.date(2024, 2, 29)  # a leap day: its birthdays clamp to 28 February


def enrol(klass, child, start):
    return enrolment_create(actor=SYSTEM, child=child, klass=klass, start_date=start)


def refused(klass, child, start) -> str:
    with pytest.raises(PortalError) as exc:
        enrol(klass, child, start)
    return exc.value.code


@pytest.fixture
def infant_class(nursery):
    return class_create(
        actor=SYSTEM, facility=nursery, name="乳儿一班", class_type="infant", capacity=3, caregivers=1
    )


def test_infant_class_from_six_months_up_to_the_day_before_twelve(infant_class):
    child = ChildFactory(birth_date=BIRTH, facility=infant_class.facility)
    six, twelve = add_months(BIRTH, 6), add_months(BIRTH, 12)
    assert (six, twelve) == (dt.date(2024, 8, 29), dt.date(2025, 2, 28))
    assert refused(infant_class, child, six - dt.timedelta(days=1)) == "child_too_young"
    assert refused(infant_class, child, twelve) == "child_too_old"  # a 12-month-old is not an infant
    # The 15-month-old of the issue: refused whatever start date is picked after the first birthday.
    assert refused(infant_class, child, add_months(BIRTH, 15)) == "child_too_old"
    assert enrol(infant_class, child, twelve - dt.timedelta(days=1)).start_date == dt.date(2025, 2, 27)


def test_infant_class_accepts_the_six_month_day(infant_class):
    child = ChildFactory(birth_date=BIRTH, facility=infant_class.facility)
    assert enrol(infant_class, child, add_months(BIRTH, 6)).start_date == dt.date(2024, 8, 29)


def test_toddler_large_refuses_from_thirty_six_months(nursery):
    large = class_create(
        actor=SYSTEM, facility=nursery, name="托大一班", class_type="toddler_large", capacity=7, caregivers=1
    )
    child = ChildFactory(birth_date=BIRTH, facility=nursery)
    assert refused(large, child, add_months(BIRTH, 36)) == "child_too_old"
    assert refused(large, child, add_months(BIRTH, 40)) == "child_too_old"  # the 40-month-old of the issue
    assert refused(large, child, add_months(BIRTH, 24) - dt.timedelta(days=1)) == "child_too_young"
    assert enrol(large, child, add_months(BIRTH, 36) - dt.timedelta(days=1))


def test_start_before_birth_is_refused_on_the_start_date(small_class):
    child = ChildFactory(birth_date=TODAY, facility=small_class.facility)
    with pytest.raises(PortalError) as exc:
        enrol(small_class, child, TODAY - dt.timedelta(days=1))
    assert (exc.value.code, exc.value.field) == ("start_before_birth", "start_date")


def test_a_child_born_after_today_is_refused_one_born_today_accepted(db):
    def make(birth):
        return child_create(
            actor=SYSTEM,
            name="新生儿",
            gender="F",
            birth_date=birth,
            guardian_name="家长",
            guardian_phone="13800000000",
            town_id=TOWN_A,
        )

    with pytest.raises(PortalError) as exc:
        make(TODAY + dt.timedelta(days=1))
    assert (exc.value.code, exc.value.field) == ("birth_in_future", "birth_date")
    assert make(TODAY).birth_date == TODAY


def test_a_child_who_outgrows_the_class_is_listed_from_that_day(small_class, operator, officer_a, officer_b):
    # 托小班 is 12–24 months: born 29 Feb 2024, the child is 24 months old on 28 Feb 2026.
    child = ChildFactory(birth_date=BIRTH, facility=small_class.facility)
    enrolment = enrol(small_class, child, dt.date(2025, 6, 1))
    before, day = dt.date(2026, 2, 27), dt.date(2026, 2, 28)
    assert not selectors.children_to_move(user=operator, today=before).exists()
    listed = list(selectors.children_to_move(user=operator, today=day))
    assert [e.pk for e in listed] == [enrolment.pk] and listed[0].outgrown_on == day
    # The town's officer sees it too; another town's officer does not.
    assert [e.pk for e in selectors.children_to_move(user=officer_a, today=day)] == [enrolment.pk]
    assert not selectors.children_to_move(user=officer_b, today=day).exists()


def test_to_move_page_lists_the_child_for_operator_and_town(
    small_class, operator_client, officer_a_client, officer_b_client
):
    child = ChildFactory(name="超龄宝宝", birth_date=add_months(TODAY, -24), facility=small_class.facility)
    enrol(small_class, child, add_months(TODAY, -3))
    young = ChildFactory(
        name="未超龄宝宝",
        birth_date=add_months(TODAY, -24) + dt.timedelta(days=1),
        facility=small_class.facility,
    )
    enrol(small_class, young, add_months(TODAY, -3))
    for client in (operator_client, officer_a_client):
        body = client.get("/manage/childcare/to-move/").content.decode()
        assert "超龄宝宝" in body and "未超龄宝宝" not in body and "托大班" in body
    assert "超龄宝宝" not in officer_b_client.get("/manage/childcare/to-move/").content.decode()
