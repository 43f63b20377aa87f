"""Pure rules for the facility registry and the service circle (STANDARDS §2, §7). No ORM here.

The service radii are *defaults*: the live values are `ServiceLayer` rows an administrator edits;
these figures seed them (migration 0002) and document where they come from.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping

# District extent in WGS 84 (STANDARDS §2, low confidence: a rough bounding box, used as a sanity
# check that stops swapped or GCJ-02-shifted coordinates far outside the district).
DISTRICT_EXTENT = (105.97, 29.85, 106.68, 30.37)  # min lng, min lat, max lng, max lat
DISTRICT_SEAT = (106.266, 29.991)  # lng, lat: the finder's fallback centre

# Capacity figures older than this are flagged as stale on every staff page (issue 3).
STALE_CAPACITY_DAYS = 30
# The finder counts a vacancy in whole days since its report (as its label says "N 天前更新"): one
# reported 30 days ago (day 30) is fresh, from day 31 it is not. So the 有空位 filter keeps reports
# younger than 31 days, the same line `public_views.present` draws with `vacancy_days`.
FRESH_VACANCY_AGE = dt.timedelta(days=STALE_CAPACITY_DAYS + 1)

# Finder: default and largest search radius (metres) for `near`.
DEFAULT_NEAR_RADIUS_M = 5000
MAX_NEAR_RADIUS_M = 50000

# Straight-line distance is shown; the walking estimate multiplies it by a detour factor typical of
# street networks (about 1.3) at an older person's pace of 60 m a minute. It is labelled 约 (about).
WALK_DETOUR_FACTOR = 1.3
WALK_METRES_PER_MINUTE = 60

# The spheroid and sphere distances of two points differ by at most about 0.56 %; a facility is a
# candidate for "nearest" when its sphere distance is within (1.0056)² of the sphere-nearest one's, so
# 1.02 leaves a margin. (The nearest by the spheroid is then picked among the candidates.)
KNN_SLACK = 1.02

# Where a community carries a `population` (import_boundaries), it is split with these shares
# (docs/facilities.md): Chongqing's 2020 census puts residents aged 60+ at about 21.9 % and rising,
# so 25 % is used for the elders; children aged 0–3 are about 2.5 % (three birth cohorts at
# roughly 8 ‰ a year).
ELDER_SHARE_OF_POPULATION = 0.25
TODDLER_SHARE_OF_POPULATION = 0.025
ELDER_MIN_AGE = 60
TODDLER_MAX_AGE = 3  # exclusive: children who have not had their 3rd birthday


def in_district_extent(lng: float, lat: float) -> bool:
    """True when the point lies inside the district's WGS 84 bounding box (edges included)."""
    min_lng, min_lat, max_lng, max_lat = DISTRICT_EXTENT
    return min_lng <= lng <= max_lng and min_lat <= lat <= max_lat


def looks_swapped(lng: float, lat: float) -> bool:
    """Latitude and longitude entered the wrong way round (a common spreadsheet mistake)."""
    return not in_district_extent(lng, lat) and in_district_extent(lat, lng)


def is_capacity_stale(reported_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Never reported, or last reported more than STALE_CAPACITY_DAYS ago."""
    return reported_at is None or now - reported_at > dt.timedelta(days=STALE_CAPACITY_DAYS)


def walking_minutes(distance_m: float) -> int:
    """Rough walking time for a straight-line distance, at least one minute."""
    return max(1, math.ceil(distance_m * WALK_DETOUR_FACTOR / WALK_METRES_PER_MINUTE))


def split_population(population: int | None) -> tuple[int, int]:
    """(elders, toddlers) estimated from a community's total population when no records exist."""
    if not population:
        return 0, 0
    return round(population * ELDER_SHARE_OF_POPULATION), round(population * TODDLER_SHARE_OF_POPULATION)


def parse_near(value: str) -> tuple[float, float]:
    """`"LNG,LAT"` → (lng, lat); ValueError when malformed or outside the valid ranges."""
    parts = [p.strip() for p in (value or "").split(",")]
    if len(parts) != 2:
        raise ValueError("near must be LNG,LAT")
    lng, lat = float(parts[0]), float(parts[1])
    if not (math.isfinite(lng) and math.isfinite(lat) and -180 <= lng <= 180 and -90 <= lat <= 90):
        raise ValueError("near out of range")
    return lng, lat


# WGS 84, for the `near` search's box (near_box).
WGS84_A = 6_378_137.0
WGS84_E2 = 6.694_379_990_14e-3


def near_box(lng: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees: a box holding every point within `radius_m` metres
    (geodesic, WGS 84) of (lng, lat), for an index scan whose candidates the exact distance then
    sorts out. Along any path, latitude changes at most 1/M per metre, M the meridian radius of
    curvature, smallest at the equator (a(1−e²)); longitude at most 1/p, p = N·cos φ the radius of
    the parallel, smallest at the box's latitude nearest a pole. A box reaching a pole or the
    antimeridian spans every longitude. Half a metre is added against rounding."""
    reach = radius_m + 0.5
    dlat = math.degrees(reach / (WGS84_A * (1 - WGS84_E2)))
    south, north = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    polar = math.radians(max(abs(south), abs(north)))
    parallel = WGS84_A * math.cos(polar) / math.sqrt(1 - WGS84_E2 * math.sin(polar) ** 2)
    if parallel <= reach:
        return -180.0, south, 180.0, north
    dlng = math.degrees(reach / parallel)
    if lng - dlng < -180 or lng + dlng > 180:
        return -180.0, south, 180.0, north
    return lng - dlng, south, lng + dlng, north


def greedy_sites(
    uncovered: Mapping[str, int], covers: Mapping[str, Iterable[str]], k: int
) -> list[tuple[str, int, list[str]]]:
    """Pick up to `k` candidate sites, each time the one covering the most still-uncovered people.

    `uncovered`: demand point → uncovered people; `covers`: candidate → demand points within reach.
    Returns (candidate, people newly covered, demand points newly covered) in pick order. Ties go to
    the smaller candidate code so the result is deterministic. Stops early when nothing more helps.
    """
    remaining = {code: people for code, people in uncovered.items() if people > 0}
    reach = {cand: set(points) for cand, points in covers.items()}
    picks: list[tuple[str, int, list[str]]] = []
    for _ in range(max(k, 0)):
        best, best_gain = None, 0
        for cand in sorted(reach):
            gain = sum(remaining.get(p, 0) for p in reach[cand])
            if gain > best_gain:
                best, best_gain = cand, gain
        if best is None:
            break
        newly = sorted(p for p in reach.pop(best) if p in remaining)
        for p in newly:
            del remaining[p]
        picks.append((best, best_gain, newly))
    return picks


# Status life cycle (issue 3: planned → operating → suspended → closed). A suspended facility may
# reopen; a closed one can only be planned again (a new operator taking over the premises).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"operating", "closed"}),
    "operating": frozenset({"suspended", "closed"}),
    "suspended": frozenset({"operating", "closed"}),
    "closed": frozenset({"planned"}),
}


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in STATUS_TRANSITIONS.get(from_status, frozenset())


# -- opening hours (营业中) --------------------------------------------------------------------------
# Facilities write their hours as people say them: "全天", "周一至周五 8:30–17:30",
# "每日 11:00–13:00，17:00–18:30", "周三、周六 9:00–16:00（需预约）". `opening_hours_open` reads those
# shapes; text it cannot read answers None (unknown), which the 营业中 filter treats as not open.

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_ALWAYS = ("全天", "24小时", "24 小时", "全年无休")
_TIME = r"(\d{1,2})[:：](\d{2})"
_RANGE = re.compile(_TIME + r"\s*(?:-|–|—|~|～|至|到)\s*" + _TIME)
_DAY_SPAN = re.compile(r"(?:周|星期)([一二三四五六日天七])\s*(?:至|到|-|–|—|~)\s*(?:周|星期)?([一二三四五六日天七])")
_DAY_ONE = re.compile(r"(?:周|星期)([一二三四五六日天七])")


def _days(text: str) -> frozenset[int] | None:
    """The weekdays (0 = Monday) a segment names; None when it names none (every day)."""
    if "工作日" in text:
        return frozenset(range(5))
    if "周末" in text or "双休日" in text:
        return frozenset({5, 6})
    days: set[int] = set()
    for first, last in _DAY_SPAN.findall(text):
        a, b = _WEEKDAYS[first], _WEEKDAYS[last]
        days |= set(range(a, b + 1)) if a <= b else set(range(a, 7)) | set(range(0, b + 1))
    rest = _DAY_SPAN.sub("", text)
    days |= {_WEEKDAYS[d] for d in _DAY_ONE.findall(rest)}
    return frozenset(days) if days else None


def opening_hours_open(text: str, when: dt.datetime) -> bool | None:
    """Is a facility with these opening hours open at `when` (local time)? None: cannot tell."""
    text = (text or "").strip()
    if not text:
        return None
    if any(word in text for word in _ALWAYS):
        return True
    minute = when.hour * 60 + when.minute
    readable = False
    days: frozenset[int] | None = None
    # Day words apply to the times after them until the next day words ("周一至周五 8:00–17:00；周六 9:00–12:00").
    position = 0
    for match in _RANGE.finditer(text):
        named = _days(text[position : match.start()])
        if named is not None:
            days = named
        position = match.end()
        readable = True
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if days is not None and when.weekday() not in days:
            continue
        if start <= minute < end or (end < start and (minute >= start or minute < end)):
            return True
    return False if readable else None
