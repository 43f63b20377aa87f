"""GB/T 42195 grading (STANDARDS §5) as pure functions: every band at its boundaries, every
grade-change rule alone and together, coma, the cap at 4 and the combination policy."""

from __future__ import annotations

import pytest

from eldercare import standards
from eldercare.standards import DEFAULT_RULES, Combine, Reason, Rules


def answers_totalling(total: int) -> dict[str, int]:
    """A valid set of the 26 answers whose total is `total` (filled item by item, in order)."""
    items, left = {}, total
    for item in standards.ITEMS:
        items[item.code] = min(item.max_score, left)
        left -= items[item.code]
    assert left == 0
    return items


def test_the_26_items_and_their_ranges():
    assert len(standards.ITEMS) == 26
    per_dimension = {
        d: [i for i in standards.ITEMS if i.code.startswith(d + ".")] for d in standards.DIMENSIONS
    }
    assert {d: len(v) for d, v in per_dimension.items()} == {"B.1": 8, "B.2": 4, "B.3": 9, "B.4": 5}
    assert {d: sum(i.max_score for i in v) for d, v in per_dimension.items()} == {
        "B.1": 32,
        "B.2": 15,
        "B.3": 28,
        "B.4": 15,
    }
    assert DEFAULT_RULES.max_total == 90
    assert standards.STANDARD_MAXIMA["B.2.4"] == 3
    assert standards.STANDARD_MAXIMA["B.3.7"] == 1
    assert standards.STANDARD_MAXIMA["B.3.9"] == 2
    assert standards.STANDARD_MAXIMA["B.4.4"] == 3


@pytest.mark.parametrize(
    ("total", "grade"),
    [(90, 0), (89, 1), (66, 1), (65, 2), (46, 2), (45, 3), (30, 3), (29, 4), (0, 4)],
)
def test_preliminary_grade_at_each_boundary(total, grade):
    assert standards.preliminary_grade(total) == grade
    result = standards.assess(answers_totalling(total))
    assert (result.total, result.preliminary_grade, result.final_grade, result.reasons) == (
        total,
        grade,
        grade,
        (),
    )


def test_dimension_scores_sum_to_the_total():
    result = standards.assess(answers_totalling(50))
    assert result.dimension_scores == {"B.1": 32, "B.2": 15, "B.3": 3, "B.4": 0}
    assert sum(result.dimension_scores.values()) == 50


@pytest.mark.parametrize("total", [90, 66, 46, 30, 0])
def test_coma_is_grade_4_whatever_the_total(total):
    result = standards.assess(answers_totalling(total), coma=True, dementia=True, risk_events_30d=5)
    assert result.final_grade == 4
    assert result.reasons == (Reason.COMA,)


@pytest.mark.parametrize(
    ("flags", "reasons"),
    [
        ({"dementia": True}, (Reason.DEMENTIA,)),
        ({"mental_disorder": True}, (Reason.MENTAL_DISORDER,)),
        ({"dementia": True, "mental_disorder": True}, (Reason.DEMENTIA, Reason.MENTAL_DISORDER)),
        ({"risk_events_30d": 2}, (Reason.RISK_EVENTS,)),
        ({"risk_events_30d": 7}, (Reason.RISK_EVENTS,)),
    ],
)
@pytest.mark.parametrize(("total", "preliminary"), [(90, 0), (89, 1), (65, 2), (45, 3)])
def test_each_adjustment_alone_raises_one_level(flags, reasons, total, preliminary):
    result = standards.assess(answers_totalling(total), **flags)
    assert result.preliminary_grade == preliminary
    assert result.final_grade == preliminary + 1
    assert result.reasons == reasons


def test_one_risk_event_changes_nothing():
    result = standards.assess(answers_totalling(65), risk_events_30d=1)
    assert (result.final_grade, result.reasons) == (2, ())


def test_both_rules_together_raise_one_level_by_default():
    result = standards.assess(answers_totalling(66), dementia=True, risk_events_30d=2)
    assert (result.preliminary_grade, result.final_grade) == (1, 2)
    assert result.reasons == (Reason.DEMENTIA, Reason.RISK_EVENTS, Reason.COMBINED)


def test_both_rules_together_raise_two_levels_when_the_policy_says_each_rule():
    rules = Rules(combine=Combine.EACH_RULE)
    result = standards.assess(answers_totalling(66), mental_disorder=True, risk_events_30d=3, rules=rules)
    assert (result.preliminary_grade, result.final_grade) == (1, 3)
    assert result.reasons == (Reason.MENTAL_DISORDER, Reason.RISK_EVENTS)


@pytest.mark.parametrize("combine", [Combine.ONE_LEVEL, Combine.EACH_RULE])
def test_never_above_grade_4(combine):
    rules = Rules(combine=combine)
    result = standards.assess(answers_totalling(29), dementia=True, risk_events_30d=2, rules=rules)
    assert result.final_grade == 4
    assert result.reasons[-1] == Reason.CAPPED
    single = standards.assess(answers_totalling(0), dementia=True, rules=rules)
    assert (single.final_grade, single.reasons) == (4, (Reason.DEMENTIA, Reason.CAPPED))


def test_grade_3_with_both_rules_under_each_rule_stops_at_4():
    result = standards.assess(
        answers_totalling(45), dementia=True, risk_events_30d=2, rules=Rules(combine=Combine.EACH_RULE)
    )
    assert result.final_grade == 4
    assert result.reasons == (Reason.DEMENTIA, Reason.RISK_EVENTS, Reason.CAPPED)


def test_bands_are_data():
    rules = Rules(grade0_min=88, grade1_min=70, grade2_min=50, grade3_min=20)
    assert [standards.preliminary_grade(t, rules) for t in (88, 87, 70, 69, 50, 49, 20, 19)] == [
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
    ]


def test_risk_threshold_is_data():
    rules = Rules(risk_events_threshold=3)
    assert standards.assess(answers_totalling(90), risk_events_30d=2, rules=rules).final_grade == 0
    assert standards.assess(answers_totalling(90), risk_events_30d=3, rules=rules).final_grade == 1


def test_item_problems_name_each_item():
    items = answers_totalling(60)
    assert standards.item_problems(items) == []
    del items["B.1.3"]
    items["B.2.4"] = 4  # its range is 0–3
    items["B.3.7"] = True  # a boolean is not a score
    items["B.4.1"] = -1
    items["B.4.2"] = 1.5
    items["B.9.9"] = 1
    problems = standards.item_problems(items)
    assert [(p.item, p.kind, p.max_score) for p in problems] == [
        ("B.1.3", "missing", 4),
        ("B.2.4", "out_of_range", 3),
        ("B.3.7", "out_of_range", 1),
        ("B.4.1", "out_of_range", 2),
        ("B.4.2", "out_of_range", 2),
        ("B.9.9", "unknown", None),
    ]


def test_item_ranges_are_data():
    rules = Rules(item_max={**standards.STANDARD_MAXIMA, "B.2.4": 4})
    items = {**answers_totalling(0), "B.2.4": 4}
    assert standards.item_problems(items, rules) == []
    assert standards.assess(items, rules=rules).total == 4


@pytest.mark.parametrize(("grade", "disabled"), [(None, False), (0, False), (1, False), (2, True), (4, True)])
def test_disabled_from_grade_2(grade, disabled):
    assert standards.is_disabled(grade) is disabled
    assert standards.is_disabled(1, Rules(disabled_min_grade=1)) is True
