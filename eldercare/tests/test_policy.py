"""The grading policy table: seeded with STANDARDS §5's defaults, chosen by effective date, and held
consistent by constraints."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from eldercare import selectors, standards
from eldercare.models import AssessmentPolicy

pytestmark = pytest.mark.django_db


def test_the_seeded_policy_is_the_standard():
    policy = AssessmentPolicy.objects.get()
    assert policy.effective_from == dt.date(2022, 1, 1)
    assert policy.rules() == standards.DEFAULT_RULES
    assert selectors.rules_on(dt.date(2026, 12, 1)) == standards.DEFAULT_RULES


def test_the_policy_in_force_is_the_latest_effective_on_the_day():
    later = AssessmentPolicy.objects.create(
        name="2027",
        effective_from=dt.date(2027, 1, 1),
        reassess_months=6,
        combine=standards.Combine.EACH_RULE,
    )
    assert selectors.policy_in_force(dt.date(2026, 12, 31)).effective_from == dt.date(2022, 1, 1)
    assert selectors.policy_in_force(dt.date(2027, 1, 1)) == later
    assert selectors.rules_on(dt.date(2027, 3, 1)).reassess_months == 6


def test_no_policy_falls_back_to_the_standard():
    AssessmentPolicy.objects.all().delete()
    assert selectors.rules_on(dt.date(2026, 1, 1)) == standards.DEFAULT_RULES


def test_bands_must_be_ordered():
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentPolicy.objects.create(
            name="bad", effective_from=dt.date(2030, 1, 1), grade1_min=40, grade2_min=46
        )
    assert AssessmentPolicy.objects.count() == 1
