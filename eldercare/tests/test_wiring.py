"""The grade at work elsewhere: visits (探访关爱) count 失能 elders, the dashboard shows assessment coverage
and the institution-support rate by town from the same selectors."""

from __future__ import annotations

import datetime as dt

import pytest

from hechuan_portal.accounts.models import Role
from hechuan_portal.accounts.roles import SYSTEM
from monitoring import selectors as monitoring_selectors
from monitoring.services.visits import resident_tier
from overview.indicators import elder_assessment_coverage, institution_support_rate

from .. import services
from .factories import TOWN_A, TOWN_B, answers_totalling, elder, make_assessor

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def signed():
    first = make_assessor("wire_one", role=Role.DISTRICT_STAFF)
    second = make_assessor("wire_two", role=Role.DISTRICT_STAFF)

    def make(resident, on, total):
        assessment = services.assessment_record(
            actor=first, resident=resident, assessed_on=on, place="home", items=answers_totalling(total)
        )
        return services.assessment_sign(actor=second, assessment=assessment)

    return make


def _tiers(today=TODAY) -> dict[int, str]:
    return {r.pk: r.tier for r in monitoring_selectors.visit_candidates(user=SYSTEM, today=today)}


def test_a_disabled_elder_is_visited_monthly_from_the_grade(signed):
    grade_2, _ = elder(dt.date(1955, 3, 1))  # 71, no other flag
    grade_1, _ = elder(dt.date(1955, 3, 1))
    never, _ = elder(dt.date(1955, 3, 1))
    signed(grade_2, dt.date(2026, 6, 1), total=65)  # 46–65: grade 2, 失能
    signed(grade_1, dt.date(2026, 6, 1), total=66)  # 66–89: grade 1, not 失能
    tiers = _tiers()
    assert tiers.get(grade_2.pk) == "monthly"
    assert grade_1.pk not in tiers and never.pk not in tiers
    # The one-person rule used when a visit is recorded agrees.
    assert resident_tier(grade_2, today=TODAY) == "monthly"
    assert resident_tier(grade_1, today=TODAY) is None


def test_a_later_better_grade_takes_the_elder_off_the_list(signed):
    person, _ = elder(dt.date(1950, 1, 1))
    signed(person, dt.date(2025, 6, 1), total=30)  # grade 3
    assert _tiers().get(person.pk) == "monthly"
    signed(person, dt.date(2026, 6, 1), total=90)  # grade 0 now
    assert person.pk not in _tiers()


def test_the_dashboard_figures_come_from_the_eldercare_selectors(signed):
    a1, _ = elder(dt.date(1940, 1, 1), town=TOWN_A)
    elder(dt.date(1941, 1, 1), town=TOWN_A)
    b1, _ = elder(dt.date(1942, 1, 1), town=TOWN_B, tekun=True)
    signed(a1, dt.date(2026, 3, 1), total=80)
    signed(b1, dt.date(2026, 3, 1), total=20)  # 特困 and grade 4: eligible for institution support
    coverage = elder_assessment_coverage(TODAY)
    assert coverage[TOWN_A] == (1, 2) and coverage[TOWN_B] == (1, 1)
    support = institution_support_rate(TODAY)
    assert support == {TOWN_B: (0, 1)}
