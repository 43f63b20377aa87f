"""The set-based reads other apps will call: latest grades, 失能, the to-assess list (due 12 months
after the last), assessment coverage, the institution-support list; and the nightly coverage job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import OuterRef

from hechuan_portal.accounts.models import AuditEvent, Role
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.residents.models import Resident

from .. import selectors, services, tasks
from ..models import AssessmentCoverage, AssessmentPolicy
from .factories import TOWN_A, TOWN_B, answers_totalling, elder, make_assessor

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def pair():
    return make_assessor("pg_one", role=Role.DISTRICT_STAFF), make_assessor(
        "pg_two", role=Role.DISTRICT_STAFF
    )


@pytest.fixture
def signed(pair):
    first, second = pair

    def make(resident, on, total=50, **flags):
        assessment = services.assessment_record(
            actor=first,
            resident=resident,
            assessed_on=on,
            place="home",
            items=answers_totalling(total),
            **flags,
        )
        return services.assessment_sign(actor=second, assessment=assessment)

    return make


def test_latest_final_grade_is_the_latest_signed(signed, pair):
    resident, _ = elder()
    other, _ = elder()
    signed(resident, dt.date(2025, 1, 10), total=90)  # grade 0
    signed(resident, dt.date(2026, 2, 1), total=40)  # grade 3
    # An unsigned later one does not count.
    services.assessment_record(
        actor=pair[0],
        resident=resident,
        assessed_on=dt.date(2026, 3, 1),
        place="home",
        items=answers_totalling(90),
    )
    grades = dict(
        Resident.objects.filter(pk__in=[resident.pk, other.pk])
        .annotate(grade=selectors.latest_final_grade())
        .values_list("pk", "grade")
    )
    assert grades == {resident.pk: 3, other.pk: None}
    rows = list(selectors.latest_final_grades())
    assert rows == [{"resident_id": resident.pk, "final_grade": 3, "assessed_on": dt.date(2026, 2, 1)}]


def test_disabled_is_grade_2_or_more_on_the_latest(signed):
    mild, _ = elder()
    moderate, _ = elder()
    recovered, _ = elder()
    signed(mild, dt.date(2026, 1, 1), total=70)
    signed(moderate, dt.date(2026, 1, 1), total=50)
    signed(recovered, dt.date(2025, 1, 1), total=20)
    signed(recovered, dt.date(2026, 1, 1), total=80)
    assert list(Resident.objects.filter(selectors.disabled_q()).values_list("pk", flat=True)) == [moderate.pk]
    # The same filter from a row that points at the resident (monitoring's visits).
    from monitoring.models import WelfareVisit

    assert str(WelfareVisit.objects.filter(selectors.disabled_q(OuterRef("resident_id"))).query)


def test_to_assess_lists_everyone_80_plus_without_a_valid_assessment(signed):
    never, _ = elder(dt.date(1930, 5, 1))
    turns_80_today, _ = elder(dt.date(1946, 12, 1))
    not_yet_80, _ = elder(dt.date(1946, 12, 2))
    fresh, _ = elder(dt.date(1935, 1, 1))
    due, _ = elder(dt.date(1936, 1, 1))
    just_valid, _ = elder(dt.date(1937, 1, 1))
    elder(dt.date(1930, 1, 1), status="deceased", death_date=dt.date(2026, 1, 1))
    elder(dt.date(1930, 1, 1), town="510100000000")  # registered outside the district
    signed(fresh, dt.date(2026, 6, 1))
    signed(due, dt.date(2025, 12, 1))  # exactly 12 months ago: due today
    signed(just_valid, dt.date(2025, 12, 2))
    rows = list(selectors.to_assess(user=SYSTEM, as_of=TODAY))
    assert [r.pk for r in rows] == [never.pk, due.pk, turns_80_today.pk]
    assert [(r.last_assessed_on, r.last_grade) for r in rows] == [
        (None, None),
        (dt.date(2025, 12, 1), 2),
        (None, None),
    ]
    assert not_yet_80.pk not in {r.pk for r in rows}


def test_to_assess_is_per_town_and_scoped(officer_a, officer_b):
    a, _ = elder(dt.date(1930, 1, 1))
    b, _ = elder(dt.date(1930, 1, 1), town=TOWN_B)
    assert [r.pk for r in selectors.to_assess(user=SYSTEM, town=TOWN_B, as_of=TODAY)] == [b.pk]
    assert [r.pk for r in selectors.to_assess(user=officer_a, as_of=TODAY)] == [a.pk]
    assert [r.pk for r in selectors.to_assess(user=officer_b, town=TOWN_A, as_of=TODAY)] == []


def test_the_reassessment_interval_is_data(signed):
    resident, _ = elder(dt.date(1930, 1, 1))
    signed(resident, dt.date(2026, 5, 1))
    assert list(selectors.to_assess(user=SYSTEM, as_of=TODAY)) == []
    AssessmentPolicy.objects.update(reassess_months=6)
    assert [r.pk for r in selectors.to_assess(user=SYSTEM, as_of=TODAY)] == [resident.pk]


def test_to_assess_is_one_query(django_assert_num_queries):
    for year in range(1920, 1930):
        elder(dt.date(year, 1, 1))
    with django_assert_num_queries(2):  # the policy in force, then the list itself
        assert len(list(selectors.to_assess(user=SYSTEM, as_of=TODAY))) == 10


def test_assessment_coverage(signed):
    done, _ = elder(dt.date(1930, 1, 1))
    elder(dt.date(1931, 1, 1))
    elder(dt.date(1932, 1, 1), town=TOWN_B)
    signed(done, dt.date(2026, 10, 1))
    services.coverage_refresh(actor=SYSTEM, as_of=TODAY)  # the page reads the day's summary rows
    assert selectors.assessment_coverage(as_of=TODAY) == {"aged80": 3, "assessed": 1, "rate": 1 / 3}
    assert selectors.assessment_coverage(town=TOWN_A, as_of=TODAY) == {
        "aged80": 2,
        "assessed": 1,
        "rate": 0.5,
    }
    assert selectors.assessment_coverage(town="500117003000", as_of=TODAY)["rate"] is None


def test_the_nightly_job_upserts_coverage_rows_as_the_system(signed):
    done, _ = elder(dt.date(1930, 1, 1))
    elder(dt.date(1932, 1, 1), town=TOWN_B)
    signed(done, dt.date(2026, 10, 1))
    assert services.coverage_refresh(actor=SYSTEM, as_of=TODAY) == 30  # every town, 0 where nobody is 80+
    assert services.coverage_refresh(actor=SYSTEM, as_of=TODAY) == 30  # safe to run twice
    day = AssessmentCoverage.objects.filter(as_of=TODAY, aged80__gt=0)
    rows = {(r.town_id, r.aged80, r.assessed) for r in day}
    assert rows == {(TOWN_A, 1, 1), (TOWN_B, 1, 0)}
    event = AuditEvent.objects.filter(object_type="eldercare.assessmentcoverage").first()
    assert event.actor is None and event.action == "run"
    assert tasks.refresh_coverage() >= 0


def test_institution_support_lists_poor_disabled_elders(signed):
    dibao, _ = elder(dt.date(1950, 1, 1), dibao=True)
    tekun, _ = elder(dt.date(1955, 1, 1), tekun=True, town=TOWN_B)
    mild, _ = elder(dt.date(1950, 1, 1), dibao=True)
    rich, _ = elder(dt.date(1950, 1, 1))
    young, _ = elder(dt.date(1970, 1, 1), dibao=True)
    signed(dibao, dt.date(2026, 1, 1), total=50)
    signed(tekun, dt.date(2026, 1, 1), total=10)
    signed(mild, dt.date(2026, 1, 1), total=80)
    signed(rich, dt.date(2026, 1, 1), total=10)
    signed(young, dt.date(2026, 1, 1), total=10)
    rows = list(selectors.institution_support(user=SYSTEM, as_of=TODAY))
    assert [(r.pk, r.grade) for r in rows] == [(dibao.pk, 2), (tekun.pk, 4)]
    assert [r.pk for r in selectors.institution_support(user=SYSTEM, town=TOWN_B, as_of=TODAY)] == [tekun.pk]
    assert selectors.institution_support_share(as_of=TODAY) == {"eligible": 2, "served": 0, "rate": 0.0}


def test_institution_support_is_one_query(signed, django_assert_num_queries):
    for year in range(1940, 1945):
        signed(elder(dt.date(year, 1, 1), tekun=True)[0], dt.date(2026, 1, 1), total=20)
    with django_assert_num_queries(2):
        assert len(list(selectors.institution_support(user=SYSTEM, as_of=TODAY))) == 5
