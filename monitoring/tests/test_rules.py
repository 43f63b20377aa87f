"""Pure rules: no database."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from hechuan_portal.common.errors import PortalError
from monitoring import rules
from monitoring.rules import AnswerLine, DrawFacility, DrawInspector, RiskFactors
from monitoring.standards import DEFAULTS, merged

CFG = merged(None)
STATUSES = ["open", "submitted", "returned", "escalated", "closed"]
ACTORS = ["operator", "inspector", "system"]

# The whole finding state machine, written out by hand: (from, action, actor) → to.
ALLOWED = {
    ("open", "submit", "operator"): "submitted",
    ("returned", "submit", "operator"): "submitted",
    ("escalated", "submit", "operator"): "submitted",
    ("submitted", "accept", "inspector"): "closed",
    ("submitted", "return", "inspector"): "returned",
    ("open", "escalate", "system"): "escalated",
    ("returned", "escalate", "system"): "escalated",
}


@pytest.mark.parametrize(
    ("status", "action", "actor"),
    list(itertools.product(STATUSES, ["submit", "accept", "return", "escalate"], ACTORS)),
)
def test_finding_state_machine_is_exactly_the_table(status, action, actor):
    expected = ALLOWED.get((status, action, actor))
    if expected:
        assert rules.finding_transition(status, action, {actor}) == expected
        return
    with pytest.raises(PortalError) as exc:
        rules.finding_transition(status, action, {actor})
    # Wrong actor on a real edge is "not_allowed"; an edge that does not exist is "invalid_transition".
    edge = any(s == status and a == action for (s, a, _) in ALLOWED)
    assert exc.value.code == ("not_allowed" if edge else "invalid_transition")


def test_no_state_can_be_skipped_and_closed_is_final():
    with pytest.raises(PortalError, match="invalid_transition"):
        rules.finding_transition("open", "accept", {"inspector"})  # not before evidence
    for action in ("submit", "accept", "return", "escalate"):
        with pytest.raises(PortalError):
            rules.finding_transition("closed", action, {"operator", "inspector", "system"})
    with pytest.raises(PortalError, match="unknown_action"):
        rules.finding_transition("open", "delete", {"inspector"})


def test_actions_offered_follow_the_table():
    assert rules.finding_actions_for("open", {"operator"}) == ["submit"]
    assert rules.finding_actions_for("submitted", {"inspector"}) == ["accept", "return"]
    assert rules.finding_actions_for("submitted", {"operator"}) == []
    assert rules.finding_actions_for("closed", {"operator", "inspector"}) == []


def test_inspection_record_only_once():
    assert rules.transition(rules.INSPECTION_TRANSITIONS, "scheduled", "record", {"inspector"}) == "completed"
    with pytest.raises(PortalError, match="invalid_transition"):
        rules.transition(rules.INSPECTION_TRANSITIONS, "completed", "record", {"inspector"})
    with pytest.raises(PortalError, match="not_allowed"):
        rules.transition(rules.INSPECTION_TRANSITIONS, "scheduled", "record", {"operator"})


def test_score_and_result():
    ok = AnswerLine(10, "yes", "major")
    assert rules.score_and_result([ok, ok], CFG) == (Decimal("100.0"), "pass")
    # 15 of 25 applicable points; the n/a item does not count.
    lines = [AnswerLine(15, "yes", "major"), AnswerLine(10, "no", "minor"), AnswerLine(20, "na", "critical")]
    assert rules.score_and_result(lines, CFG) == (Decimal("60.0"), "rectify")
    # Below 60 → fail even without a critical item.
    assert rules.score_and_result([AnswerLine(5, "yes", "minor"), AnswerLine(10, "no", "minor")], CFG) == (
        Decimal("33.3"),
        "fail",
    )
    # One critical failure → fail whatever the score.
    lines = [AnswerLine(90, "yes", "major"), AnswerLine(10, "no", "critical")]
    assert rules.score_and_result(lines, CFG) == (Decimal("90.0"), "fail")
    assert rules.score_and_result([AnswerLine(10, "na", "minor")], CFG) == (Decimal("100"), "pass")


def test_rectify_deadline_by_severity():
    day = date(2026, 3, 1)
    assert rules.rectify_deadline(day, "critical", CFG) == date(2026, 3, 8)
    assert rules.rectify_deadline(day, "major", CFG) == date(2026, 3, 16)
    assert rules.rectify_deadline(day, "minor", CFG) == date(2026, 3, 31)


def test_distance_and_location_check():
    # One thousandth of a degree of latitude is about 111.2 m anywhere.
    assert rules.distance_m(106.265, 29.99, 106.265, 29.991) == pytest.approx(111.19, abs=0.05)
    # 0.001° of longitude at 29.99° N: 111.19 m × cos(29.99°) ≈ 96.31 m.
    assert rules.distance_m(106.265, 29.99, 106.266, 29.99) == pytest.approx(96.31, abs=0.05)
    assert rules.distance_m(106.265, 29.99, 106.265, 29.99) == 0
    assert rules.location_check(None, CFG) == "missing"
    assert rules.location_check(300.0, CFG) == "ok"
    assert rules.location_check(300.1, CFG) == "too_far"
    assert rules.location_check(50, {**CFG, "max_location_distance_m": 40}) == "too_far"


FACILITIES = (
    [DrawFacility(id=i, kind="nursing_home", band="low", town="A") for i in range(1, 11)]
    + [DrawFacility(id=i, kind="nursing_home", band="high", town="A") for i in range(11, 15)]
    + [DrawFacility(id=i, kind="nursery", band="low", town="B") for i in range(15, 20)]
)
INSPECTORS = [
    DrawInspector(1, "A"),
    DrawInspector(2, "A"),
    DrawInspector(3, "A"),
    DrawInspector(4, "B"),
    DrawInspector(9, None),
]


def _draw(seed, facilities=FACILITIES, inspectors=INSPECTORS, conflicts=None):
    return rules.draw(
        seed=seed,
        facilities=facilities,
        inspectors=inspectors,
        conflicts=conflicts or {},
        sample_rate=Decimal("0.2"),
        high_risk_rate=Decimal("0.5"),
        per_target=2,
    )


def test_draw_is_reproducible_and_order_independent():
    a = _draw(42)
    b = _draw(42, facilities=list(reversed(FACILITIES)), inspectors=list(reversed(INSPECTORS)))
    assert a.targets == b.targets and a.log == b.log
    assert any(_draw(s).targets != a.targets for s in range(43, 60))


def test_draw_is_stratified_by_kind_and_risk():
    result = _draw(7)
    strata = [
        (e["kind"], e["band"], e["population"], len(e["drawn"]))
        for e in result.log
        if e["event"] == "stratum"
    ]
    # ceil(10×0.2)=2 low-risk homes, ceil(4×0.5)=2 high-risk homes, ceil(5×0.2)=1 nursery.
    assert strata == [
        ("nursery", "low", 5, 1),
        ("nursing_home", "high", 4, 2),
        ("nursing_home", "low", 10, 2),
    ]
    assert len(result.targets) == 5
    for t in result.targets:
        town = "B" if t["kind"] == "nursery" else "A"
        eligible = {i.id for i in INSPECTORS if i.town in (town, None)}
        assert set(t["inspectors"]) <= eligible and len(t["inspectors"]) == 2


def test_draw_excludes_linked_inspectors_and_logs_it():
    conflicts = {(i, f.id): "operator" for f in FACILITIES for i in (1, 2)}
    result = _draw(11, conflicts=conflicts)
    for t in result.targets:
        assert not {1, 2} & set(t["inspectors"])
    excluded = [e for e in result.log if e["event"] == "excluded"]
    assert len(excluded) == 2 * sum(1 for t in result.targets if t["kind"] == "nursing_home")
    # Town B's nursery has officer 4 and the district inspector 9 only.
    nursery = next(t for t in result.targets if t["kind"] == "nursery")
    assert nursery["inspectors"] == [4, 9]


def test_draw_short_of_inspectors_is_logged_not_hidden():
    result = _draw(3, inspectors=[DrawInspector(1, "A")])
    short = [e for e in result.log if e["event"] == "short"]
    assert {e["facility"] for e in short} == {t["facility"] for t in result.targets}
    assert all(e["needed"] == 2 for e in short)


def test_draw_inputs_round_trip_through_json():
    conflicts = {(1, 3): "operator", (2, 5): "亲属"}
    data = rules.draw_inputs_json(FACILITIES, INSPECTORS, conflicts)
    back = rules.draw_inputs_from_json(data)
    assert back["conflicts"] == conflicts
    assert sorted(back["facilities"], key=lambda f: f.id) == sorted(FACILITIES, key=lambda f: f.id)


def test_stratum_size():
    assert [rules.stratum_size(n, Decimal("0.2")) for n in (0, 1, 5, 6, 10)] == [0, 1, 1, 2, 2]
    assert rules.stratum_size(3, Decimal("1")) == 3


def test_risk_score_and_bands():
    assert rules.risk_score(RiskFactors(), CFG) == (0, "low")
    f = RiskFactors(findings_major=1, overdue_findings=1)  # 5 + 10
    assert rules.risk_score(f, CFG) == (15, "medium")
    f = RiskFactors(
        licence_expired=True, licence_expiring=True, staff_breaches=1
    )  # 20 + 15, expiring ignored
    assert rules.risk_score(f, CFG) == (35, "high")
    f = RiskFactors(findings_minor=2, findings_critical=1, filing_missing=True, capacity_full=True)
    assert rules.risk_score(f, CFG) == (2 * 2 + 10 + 15 + 8, "high")


def test_risk_decides_the_next_due_date():
    today = date(2026, 6, 1)
    last = date(2026, 1, 10)
    assert rules.next_inspection_due(last_inspected_on=None, band="low", today=today, cfg=CFG) == today
    assert rules.next_inspection_due(last_inspected_on=last, band="low", today=today, cfg=CFG) == date(
        2027, 1, 10
    )
    assert rules.next_inspection_due(last_inspected_on=last, band="medium", today=today, cfg=CFG) == date(
        2026, 7, 9
    )
    assert rules.next_inspection_due(last_inspected_on=last, band="high", today=today, cfg=CFG) == date(
        2026, 4, 10
    )


def test_staffing_required_and_shortfalls():
    need = rules.staffing_required(
        needs_caregivers=True, is_childcare=False, beds_occupied=21, places_occupied=0, cfg=CFG
    )
    assert need == {"caregiver": 3}
    need = rules.staffing_required(
        needs_caregivers=False, is_childcare=True, beds_occupied=0, places_occupied=150, cfg=CFG
    )
    assert need == {"nursery_caregiver": 22, "health_worker": 1}
    need = rules.staffing_required(
        needs_caregivers=False, is_childcare=True, beds_occupied=0, places_occupied=149, cfg=CFG
    )
    assert need == {"nursery_caregiver": 22}
    assert (
        rules.staffing_required(
            needs_caregivers=False, is_childcare=False, beds_occupied=9, places_occupied=9, cfg=CFG
        )
        == {}
    )
    assert rules.staffing_shortfalls({"caregiver": 3, "health_worker": 1}, {"caregiver": 3}) == {
        "health_worker": 1
    }
    assert rules.staffing_shortfalls({"caregiver": 3}, {"caregiver": 4}) == {}


def test_visit_due_and_status():
    assert rules.visit_next_due(date(2026, 1, 31), "weekly", CFG) == date(2026, 2, 7)
    assert rules.visit_next_due(date(2026, 1, 31), "monthly", CFG) == date(2026, 3, 2)
    assert rules.visit_next_due(date(2026, 1, 31), "quarterly", CFG) == date(2026, 5, 1)
    today = date(2026, 3, 10)
    assert rules.visit_status(None, today, CFG) == "never"
    assert rules.visit_status(date(2026, 3, 9), today, CFG) == "overdue"
    assert rules.visit_status(date(2026, 3, 10), today, CFG) == "due"
    assert rules.visit_status(date(2026, 3, 17), today, CFG) == "due"
    assert rules.visit_status(date(2026, 3, 18), today, CFG) == "ok"


def test_visit_rate_and_age():
    assert rules.visit_rate(0, 0) is None
    assert rules.visit_rate(2, 3) == Decimal("66.67")
    assert rules.visit_rate(3, 3) == Decimal("100.0")
    assert rules.age_on(date(1944, 2, 29), date(2024, 2, 28)) == 79
    assert rules.age_on(date(1944, 2, 29), date(2024, 2, 29)) == 80
    assert rules.age_on(date(1944, 2, 29), date(2025, 2, 28)) == 80


def test_config_overrides_merge_nested_values():
    cfg = merged({"rectify_days": {"minor": 45}, "max_location_distance_m": 500})
    assert cfg["rectify_days"] == {"minor": 45, "major": 15, "critical": 7}
    assert cfg["max_location_distance_m"] == 500
    assert DEFAULTS["rectify_days"]["minor"] == 30  # defaults untouched
