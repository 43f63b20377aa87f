"""Pure rules of monitoring: state machines, scoring, the location check, the 双随机 draw, the risk
score and schedule, staffing, and visit tiers. No ORM here; every function is unit-tested."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hechuan_portal.common.errors import CommonCode, PortalError
from hechuan_portal.common.ratios import figure_value

from .error_codes import ErrorCode

# ---------------------------------------------------------------------------------------------
# State machines. Actors are abstract roles decided by the service from the user and the record:
# "operator" (runs the finding's facility), "inspector" (inspected it, or district staff),
# "system" (the overdue sweep).


# (from status, action) → (to status, actors allowed)
FINDING_TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("open", "submit"): ("submitted", frozenset({"operator"})),
    ("returned", "submit"): ("submitted", frozenset({"operator"})),
    ("escalated", "submit"): ("submitted", frozenset({"operator"})),
    ("submitted", "accept"): ("closed", frozenset({"inspector"})),
    ("submitted", "return"): ("returned", frozenset({"inspector"})),
    ("open", "escalate"): ("escalated", frozenset({"system"})),
    ("returned", "escalate"): ("escalated", frozenset({"system"})),
}
FINDING_ACTIONS = frozenset(action for _, action in FINDING_TRANSITIONS)
# Who may accept or return submitted evidence (the review).
REVIEWERS = frozenset().union(
    *(who for (_, a), (_, who) in FINDING_TRANSITIONS.items() if a in {"accept", "return"})
)
# Actions that must say why (a return without a reason leaves the operator guessing).
REASON_REQUIRED = frozenset({"return"})

INSPECTION_TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("scheduled", "record"): ("completed", frozenset({"inspector"})),
    ("scheduled", "cancel"): ("cancelled", frozenset({"inspector"})),
}


def transition(
    table: dict[tuple[str, str], tuple[str, frozenset[str]]], status: str, action: str, actors: Iterable[str]
) -> str:
    """The status after `action` from `status` by someone holding `actors`, or PortalError:
    `unknown_action` (400), `invalid_transition` from this status (409), `not_allowed` (403)."""
    known_actions = {a for _, a in table}
    if action not in known_actions:
        raise PortalError(ErrorCode.UNKNOWN_ACTION)
    entry = table.get((status, action))
    if entry is None:
        raise PortalError(ErrorCode.INVALID_TRANSITION, status=409)
    to_status, allowed = entry
    if not allowed & set(actors):
        raise PortalError(CommonCode.NOT_ALLOWED, status=403)
    return to_status


def finding_transition(status: str, action: str, actors: Iterable[str]) -> str:
    return transition(FINDING_TRANSITIONS, status, action, actors)


def finding_actions_for(status: str, actors: Iterable[str]) -> list[str]:
    """Actions the UI should offer: allowed from `status` for these actors, in table order."""
    actors = set(actors)
    return [a for (s, a), (_, who) in FINDING_TRANSITIONS.items() if s == status and who & actors]


# ---------------------------------------------------------------------------------------------
# Scoring and deadlines


@dataclass(frozen=True)
class AnswerLine:
    weight: int
    answer: str  # yes | no | na
    severity: str  # minor | major | critical


def score_and_result(lines: Iterable[AnswerLine], cfg: dict[str, Any]) -> tuple[Decimal, str]:
    """Score = weight of items answered 符合 over weight of applicable items, 0–100, one decimal.

    不合格 when any critical item fails or the score is below `fail_below_score`; 限期整改 when any
    other item fails; 合格 otherwise. All items 不适用 scores 100.
    """
    lines = list(lines)
    applicable = [x for x in lines if x.answer != "na"]
    total = sum(x.weight for x in applicable)
    passed = sum(x.weight for x in applicable if x.answer == "yes")
    score = Decimal(100) if total == 0 else (Decimal(passed * 100) / Decimal(total))
    score = score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    failed = [x for x in applicable if x.answer == "no"]
    if any(x.severity == "critical" for x in failed) or score < Decimal(cfg["fail_below_score"]):
        return score, "fail"
    if failed:
        return score, "rectify"
    return score, "pass"


def rectify_deadline(inspected_on: date, severity: str, cfg: dict[str, Any]) -> date:
    return inspected_on + timedelta(days=int(cfg["rectify_days"][severity]))


# ---------------------------------------------------------------------------------------------
# Location check

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)


def distance_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle (haversine) distance in metres between two WGS 84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def location_check(distance: float | None, cfg: dict[str, Any]) -> str:
    """ok within `max_location_distance_m`, too_far beyond it, missing without a device fix."""
    if distance is None:
        return "missing"
    return "too_far" if distance > cfg["max_location_distance_m"] else "ok"


# ---------------------------------------------------------------------------------------------
# 双随机一公开: random targets stratified by kind and risk, random inspectors, with exclusions.


@dataclass(frozen=True)
class DrawFacility:
    id: int
    kind: str
    band: str
    town: str


@dataclass(frozen=True)
class DrawInspector:
    id: int
    town: str | None  # None: a district inspector, eligible everywhere


@dataclass
class DrawResult:
    targets: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)


def stratum_size(population: int, rate: Decimal | float) -> int:
    """ceil(population × rate), at least one when the stratum is not empty."""
    if population == 0:
        return 0
    return max(1, min(population, math.ceil(Decimal(str(rate)) * population)))


def draw(
    *,
    seed: int,
    facilities: Iterable[DrawFacility],
    inspectors: Iterable[DrawInspector],
    conflicts: dict[tuple[int, int], str],
    sample_rate: Decimal | float,
    high_risk_rate: Decimal | float,
    per_target: int,
) -> DrawResult:
    """Draw targets and inspectors. Same inputs and seed → same result, whatever the input order.

    Strata are (kind, risk band); high-risk strata are sampled at `high_risk_rate`, others at
    `sample_rate`. Each target gets `per_target` inspectors drawn from those whose area covers the
    facility and who have no conflict with it (`conflicts`: (inspector, facility) → reason).
    A target with too few eligible inspectors keeps the ones it can get and is logged.
    """
    rng = random.Random(seed)
    facilities = sorted(facilities, key=lambda f: f.id)
    inspectors = sorted(inspectors, key=lambda i: i.id)
    strata: dict[tuple[str, str], list[DrawFacility]] = {}
    for f in facilities:
        strata.setdefault((f.kind, f.band), []).append(f)
    result = DrawResult()
    chosen: list[tuple[tuple[str, str], DrawFacility]] = []
    for key in sorted(strata):
        members = strata[key]
        rate = high_risk_rate if key[1] == "high" else sample_rate
        picked = sorted(rng.sample(members, stratum_size(len(members), rate)), key=lambda f: f.id)
        chosen.extend((key, f) for f in picked)
        result.log.append(
            {
                "event": "stratum",
                "kind": key[0],
                "band": key[1],
                "population": len(members),
                "rate": str(rate),
                "drawn": [f.id for f in picked],
            }
        )
    for key, f in chosen:
        eligible = []
        for i in inspectors:
            if i.town is not None and i.town != f.town:
                continue
            reason = conflicts.get((i.id, f.id))
            if reason:
                result.log.append(
                    {"event": "excluded", "facility": f.id, "inspector": i.id, "reason": reason}
                )
                continue
            eligible.append(i.id)
        k = min(per_target, len(eligible))
        picked_ids = sorted(rng.sample(eligible, k))
        if k < per_target:
            result.log.append(
                {"event": "short", "facility": f.id, "needed": per_target, "available": len(eligible)}
            )
        result.targets.append({"facility": f.id, "kind": key[0], "band": key[1], "inspectors": picked_ids})
    return result


def draw_inputs_json(
    facilities: Iterable[DrawFacility],
    inspectors: Iterable[DrawInspector],
    conflicts: dict[tuple[int, int], str],
) -> dict[str, Any]:
    """The inputs as JSON for the draw log; `draw_inputs_from_json` reads them back."""
    return {
        "facilities": [asdict(f) for f in sorted(facilities, key=lambda f: f.id)],
        "inspectors": [asdict(i) for i in sorted(inspectors, key=lambda i: i.id)],
        "conflicts": [[i, f, r] for (i, f), r in sorted(conflicts.items())],
    }


def draw_inputs_from_json(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "facilities": [DrawFacility(**f) for f in data["facilities"]],
        "inspectors": [DrawInspector(**i) for i in data["inspectors"]],
        "conflicts": {(i, f): r for i, f, r in data["conflicts"]},
    }


# ---------------------------------------------------------------------------------------------
# Risk and the next inspection date


@dataclass(frozen=True)
class RiskFactors:
    findings_minor: int = 0
    findings_major: int = 0
    findings_critical: int = 0
    overdue_findings: int = 0
    licence_expired: bool = False
    licence_expiring: bool = False
    filing_missing: bool = False
    capacity_full: bool = False
    staff_breaches: int = 0


def risk_score(f: RiskFactors, cfg: dict[str, Any]) -> tuple[int, str]:
    """Weighted points of the factors and the band they fall in."""
    p = cfg["risk_points"]
    score = (
        f.findings_minor * p["finding_minor"]
        + f.findings_major * p["finding_major"]
        + f.findings_critical * p["finding_critical"]
        + f.overdue_findings * p["overdue_finding"]
        + (p["licence_expired"] if f.licence_expired else 0)
        + (p["licence_expiring"] if f.licence_expiring and not f.licence_expired else 0)
        + (p["filing_missing"] if f.filing_missing else 0)
        + (p["capacity_full"] if f.capacity_full else 0)
        + f.staff_breaches * p["staff_breach"]
    )
    bands = cfg["risk_bands"]
    band = "high" if score >= bands["high"] else "medium" if score >= bands["medium"] else "low"
    return min(score, 999), band


def next_inspection_due(
    *, last_inspected_on: date | None, band: str, today: date, cfg: dict[str, Any]
) -> date:
    """Never inspected → due today; otherwise the last inspection plus the band's interval."""
    if last_inspected_on is None:
        return today
    return last_inspected_on + timedelta(days=int(cfg["inspection_interval_days"][band]))


# ---------------------------------------------------------------------------------------------
# Staffing


def staffing_required(
    *,
    needs_caregivers: bool,
    is_childcare: bool,
    beds_occupied: int,
    places_occupied: int,
    cfg: dict[str, Any],
) -> dict[str, int]:
    """Certified staff a facility needs by role for its current occupancy."""
    per = cfg["staff_per_occupied"]
    need: dict[str, int] = {}
    if needs_caregivers and beds_occupied > 0:
        need["caregiver"] = math.ceil(beds_occupied / per["caregiver"])
    if is_childcare and places_occupied > 0:
        need["nursery_caregiver"] = math.ceil(places_occupied / per["nursery_caregiver"])
        if places_occupied >= cfg["health_worker_from_children"]:
            need["health_worker"] = 1
    return need


def staffing_shortfalls(required: dict[str, int], have: dict[str, int]) -> dict[str, int]:
    """Role → how many certified staff are missing (only roles that fall short)."""
    return {role: n - have.get(role, 0) for role, n in required.items() if have.get(role, 0) < n}


# ---------------------------------------------------------------------------------------------
# 探访关爱 (STANDARDS §8)

VISIT_TIERS = ("weekly", "monthly", "quarterly")


def age_on(birth: date, day: date) -> int:
    """Completed years on `day` (a 29 February birthday counts on 1 March in common years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def visit_next_due(visited_on: date, tier: str, cfg: dict[str, Any]) -> date:
    return visited_on + timedelta(days=int(cfg["visit_interval_days"][tier]))


def visit_status(next_due_on: date | None, today: date, cfg: dict[str, Any]) -> str:
    """never (no visit yet), overdue, due (within the warning window) or ok."""
    if next_due_on is None:
        return "never"
    if next_due_on < today:
        return "overdue"
    if next_due_on <= today + timedelta(days=cfg["visit_due_soon_days"]):
        return "due"
    return "ok"


def visit_rate(visited: int, covered: int) -> Decimal | None:
    """Share of covered elders visited, in percent with two decimals (the dashboard's 特殊困难老年人
    月探访率, rounded by the same function); None with nobody covered."""
    return figure_value(visited, covered, 100)
