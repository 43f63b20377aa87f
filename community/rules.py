"""Pure rules of meal assistance and care visits: reading one row of a canteen's meal file, the ages
the categories rest on, care eligibility and the location check. No ORM. (Which category a person's
register data supports is checked set-based in SQL: `selectors.category_findings`.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from hechuan_portal.common import idcard

ELDER_AGE = 60
OLDEST_AGE = 80

# The file's columns: header text → field. The till exports Chinese headers; the codes are accepted too.
COLUMNS = {
    "日期": "day",
    "身份证号": "id_number",
    "人员类别": "category",
    "就餐方式": "way",
    "份数": "count",
}
REQUIRED = ("day", "category", "way")
COLUMN_LABELS = {field: header for header, field in COLUMNS.items()}

CATEGORY_LABELS = {
    "80岁以上": "age_80",
    "低保/特困": "dibao_tekun",
    "低保": "dibao_tekun",
    "特困": "dibao_tekun",
    "失能": "disabled",
    "其他老年人": "other_elder",
    "非老年人": "non_elder",
}
CATEGORY_CODES = frozenset(CATEGORY_LABELS.values())
WAY_LABELS = {"堂食": "dine_in", "送餐上门": "delivery", "送餐": "delivery"}
WAY_CODES = frozenset(WAY_LABELS.values())
MAX_ANONYMOUS_COUNT = 10_000

# Problem codes → the message a person reads (translated: the report is shown in Chinese or English).
PROBLEMS = {
    "unreadable": _("文件无法读取"),
    "missing_column": _("缺少列“%(column)s”"),
    "required": _("必填"),
    "bad_date": _("日期格式应为 2026-12-01"),
    "future_date": _("日期不能晚于今天"),
    "bad_category": _("人员类别不正确"),
    "bad_way": _("就餐方式应为“堂食”或“送餐上门”"),
    "bad_count": _("份数应为正整数"),
    "id_required": _("该类别须填写身份证号"),
    "bad_id": _("身份证号不正确"),
    "id_not_allowed": _("非老年人不登记身份证号，只填份数"),
    "person_count": _("按人登记的每行只能是 1 份"),
    "unknown_person": _("户籍库中没有该身份证号"),
    "no_policy": _("该日期没有生效的助餐分担政策"),
    "month_frozen": _("该月补贴已进入审核，不能再导入"),
}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # the file's header text, "" for the whole row
    code: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "code": self.code}


def problem_text(code: str, column: str = "") -> str:
    """The translated message of a problem code (in the active language)."""
    return str(PROBLEMS.get(code, code)) % {"column": column}


class MealRow(NamedTuple):
    # A named tuple rather than a frozen dataclass: one is built per row of a year's file, and a
    # tuple is several times cheaper to create.
    line: int
    day: dt.date
    category: str
    way: str
    id_number: str  # "" for 非老年人
    count: int  # type: ignore[assignment]  # the field shadows tuple.count, which nothing here calls


def column_map(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    """The position of each known column, and the required ones missing."""
    positions = {COLUMNS[h.strip()]: i for i, h in enumerate(header) if h.strip() in COLUMNS}
    missing = [RowError(1, COLUMN_LABELS[f], "missing_column") for f in REQUIRED if f not in positions]
    return positions, missing


class RowParser:
    """Parses the rows of one file: `parser(line, cells)` → `MealRow` or the row's problems (each with
    the column it is in). A year's file repeats the same few hundred dates and a few thousand people
    millions of times, so each date and ID number is checked once and remembered.

    A row's problems are separable: the date's depend on its cell alone, the others on the category,
    way, ID number and count cells (`person_cells`) alone. So a row whose date text and person cells
    were each seen in a valid row is valid, with the same values — which lets a bulk reader remember
    both parts and skip the parser for the millions of rows that repeat them."""

    def __init__(self, columns: dict[str, int], *, today: dt.date) -> None:
        self.columns = columns
        self.today = today
        self._days: dict[str, dt.date | str] = {}
        self._ids: dict[str, str | None] = {}
        # The person cells of a row (category and way always; ID number and count when present), as
        # one tuple: the key under which a reader remembers the parsed part of a row.
        self.person_cells = itemgetter(
            *(columns[f] for f in ("category", "way", "id_number", "count") if f in columns)
        )

    def _day(self, text: str) -> dt.date | str:
        """The date, or the problem code."""
        known = self._days.get(text)
        if known is None:
            try:
                day = dt.date.fromisoformat(text.replace("/", "-")[:10])
            except ValueError:
                known = "bad_date"
            else:
                known = "future_date" if day > self.today else day
            self._days[text] = known
        return known

    def _id(self, text: str) -> str | None:
        """The normalised ID number, or None when it is invalid."""
        if text in self._ids:
            return self._ids[text]
        try:
            number: str | None = idcard.parse(text).number
        except idcard.IdNumberError:
            number = None
        self._ids[text] = number
        return number

    def __call__(self, line: int, cells: list[str]) -> MealRow | list[RowError]:
        columns = self.columns

        def cell(field: str) -> str:
            i = columns.get(field)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        errors: list[RowError] = []

        def bad(field: str, code: str) -> None:
            errors.append(RowError(line, COLUMN_LABELS[field], code))

        day: dt.date | None = None
        text = cell("day")
        if not text:
            bad("day", "required")
        else:
            parsed = self._day(text)
            if isinstance(parsed, str):
                bad("day", parsed)
            else:
                day = parsed
        raw = cell("category")
        category = CATEGORY_LABELS.get(raw, raw if raw in CATEGORY_CODES else "")
        if not category:
            bad("category", "required" if not raw else "bad_category")
        raw = cell("way")
        way = WAY_LABELS.get(raw, raw if raw in WAY_CODES else "")
        if not way:
            bad("way", "required" if not raw else "bad_way")
        count = 1
        raw = cell("count")
        if raw and raw != "1":
            if not raw.isdigit() or not 1 <= int(raw) <= MAX_ANONYMOUS_COUNT:
                bad("count", "bad_count")
            else:
                count = int(raw)
        number = cell("id_number")
        if category == "non_elder":
            if number:
                bad("id_number", "id_not_allowed")
        elif category:
            if not number:
                bad("id_number", "id_required")
            else:
                checked = self._id(number)
                if checked is None:
                    bad("id_number", "bad_id")
                else:
                    number = checked
            if count != 1:
                bad("count", "person_count")
        if errors:
            return errors
        assert day is not None
        return MealRow(line, day, category, way, number, count)


# --- bathing and cleaning ---------------------------------------------------------------------

BATHING_KINDS = frozenset({"bath_point", "bath_van", "bath_home"})
# How far the phone may be from the point it is checked against (portal rule, to confirm with the
# district): a bathing point's own location, or the centroid of the elder's community for home visits.
MAX_DISTANCE_POINT_M = 300
MAX_DISTANCE_HOME_M = 2_000


def care_service_of(kind: str) -> str:
    """The plan a visit counts against: bathing (any of its three ways) or cleaning."""
    return "bathing" if kind in BATHING_KINDS else "cleaning"


def needs_care(*, dibao: bool, tekun: bool, special_family: bool, disabled: bool) -> bool:
    """特殊困难老年人 for bathing and cleaning (work plan 二(八)): 特困, 低保, 计生特殊家庭, or 失能."""
    return tekun or dibao or special_family or disabled


def location_check(distance: float | None, *, at_home: bool) -> str:
    """ok within the limit, too_far beyond it, missing without a device fix."""
    if distance is None:
        return "missing"
    limit = MAX_DISTANCE_HOME_M if at_home else MAX_DISTANCE_POINT_M
    return "too_far" if distance > limit else "ok"
