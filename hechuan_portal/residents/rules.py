"""Household-extract rows (DESIGN §6): column names, cell parsing and the per-row checks. No ORM.

`parse_row` turns one row's text cells into typed values or a list of `RowError`s (column and
Chinese reason). Checks that need the database or other rows (area codes exist, the same ID twice
with different data) run in bulk in SQL on the staging table (`importer.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from django.utils.translation import gettext as _

from hechuan_portal.common import idcard

DISTRICT_PREFIX = "500117"

# Canonical key → accepted header spellings (Chinese first, then English aliases), compared after
# stripping blanks and lower-casing.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证号", "公民身份号码", "身份证号码", "id_number", "id number", "id"),
    "name": ("姓名", "name"),
    "gender": ("性别", "gender", "sex"),
    "birth_date": ("出生日期", "birth_date", "birth date", "date of birth"),
    "hukou_code": ("户籍地区划代码", "户籍地代码", "hukou_code", "area_code", "area code"),
    "status": ("户籍状态", "status"),
    "death_date": ("死亡日期", "death_date", "date of death"),
    "moved_out_date": ("迁出日期", "moved_out_date", "move_out_date", "date moved out"),
    "address": ("住址", "address"),
    "phone": ("联系电话", "phone", "telephone"),
    "dibao": ("低保", "dibao"),
    "tekun": ("特困", "tekun"),
    "lives_alone": ("独居", "lives_alone"),
    "empty_nest": ("空巢", "empty_nest"),
    "left_behind": ("留守", "left_behind"),
    "special_family": ("计生特殊家庭", "special_family"),
    "disability_grade": ("残疾等级", "disability_grade"),
}
REQUIRED = ("id_number", "name", "gender", "birth_date", "hukou_code")
FLAGS = ("dibao", "tekun", "lives_alone", "empty_nest", "left_behind", "special_family")

# The Chinese column name used in reports, whatever spelling the file had.
COLUMN_LABELS = {key: names[0] for key, names in COLUMNS.items()}

_GENDERS = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
_STATUSES = {
    "正常": "normal",
    "": "normal",
    "normal": "normal",
    "死亡": "deceased",
    "deceased": "deceased",
    "迁出": "moved_out",
    "moved_out": "moved_out",
    "moved out": "moved_out",
}
_TRUE = {"是", "1", "y", "yes", "true", "√"}
_FALSE = {"否", "0", "n", "no", "false", ""}
_GRADES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "1": 1, "2": 2, "3": 3, "4": 4, "": None}
_DATE = re.compile(r"^(\d{4})[-/]?(\d{1,2})[-/]?(\d{1,2})$")
_AREA = re.compile(r"^\d{12}$")
_NAME_MAX = 64
_ADDRESS_MAX = 255
_PHONE_MAX = 32


class HeaderError(ValueError):
    """The header lacks required columns or repeats one; the message is Chinese."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # Chinese column name, or "" for the whole row
    code: str
    message: str


def map_header(header: list[str]) -> dict[str, int]:
    """Column key → cell index. Unknown columns are ignored; missing required ones are an error."""
    lookup = {alias.replace(" ", "").lower(): key for key, names in COLUMNS.items() for alias in names}
    lookup.update({alias.lower(): key for key, names in COLUMNS.items() for alias in names})
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        key = lookup.get(raw.strip().lower()) or lookup.get(raw.replace(" ", "").lower())
        if key is None:
            continue
        if key in found:
            raise HeaderError(_("表头中“%(column)s”列重复") % {"column": COLUMN_LABELS[key]})
        found[key] = index
    missing = [COLUMN_LABELS[k] for k in REQUIRED if k not in found]
    if missing:
        raise HeaderError(_("缺少必需的列：%(columns)s") % {"columns": "、".join(missing)})
    return found


def parse_date(value: str) -> dt.date | None:
    """`YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD`; None for blank; ValueError when unreadable."""
    if not value:
        return None
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(value)
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


def parse_flag(value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)


class ParsedRow(NamedTuple):
    # A named tuple rather than a frozen dataclass: one is built per row of a 1.5-million-row
    # extract, and a tuple is several times cheaper to create.
    line: int
    id_number: str
    name: str
    gender: str
    birth_date: dt.date
    hukou_code: str
    status: str
    death_date: dt.date | None
    moved_out_date: dt.date | None
    address: str
    phone: str
    flags: tuple[bool, ...]
    disability_grade: int | None


def parse_row(line: int, cells: list[str], columns: dict[str, int]) -> ParsedRow | list[RowError]:
    """Parse one data row; returns the typed row, or every problem found in it."""
    errors: list[RowError] = []

    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def err(key: str, code: str, message: str) -> None:
        errors.append(RowError(line, COLUMN_LABELS[key], code, message))

    ident = None
    try:
        ident = idcard.parse(cell("id_number"))
    except idcard.IdNumberError as exc:
        err("id_number", exc.code, str(exc))

    name = cell("name")
    if not name:
        err("name", "required", _("姓名不能为空"))
    elif len(name) > _NAME_MAX:
        err("name", "too_long", _("姓名过长"))

    gender = _GENDERS.get(cell("gender").lower())
    if gender is None:
        err("gender", "gender", _("性别应为“男”或“女”"))
    elif ident and ident.gender != gender:
        err("gender", "gender_mismatch", _("性别与身份证号不一致"))

    birth = None
    try:
        birth = parse_date(cell("birth_date"))
        if birth is None:
            err("birth_date", "required", _("出生日期不能为空"))
    except ValueError:
        err("birth_date", "date", _("出生日期格式应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD"))
    if birth and ident and ident.birth_date != birth:
        err("birth_date", "birth_mismatch", _("出生日期与身份证号不一致"))

    hukou = cell("hukou_code")
    if not _AREA.match(hukou):
        err("hukou_code", "area_format", _("户籍地区划代码应为 12 位数字"))

    status = _STATUSES.get(cell("status").lower())
    if status is None:
        err("status", "status", _("户籍状态应为“正常”“死亡”或“迁出”"))

    dates: dict[str, dt.date | None] = {}
    for key in ("death_date", "moved_out_date"):
        try:
            dates[key] = parse_date(cell(key))
        except ValueError:
            dates[key] = None
            err(key, "date", _("日期格式应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD"))
    if status == "deceased" and dates.get("death_date") is None and "death_date" not in _keys(errors):
        err("death_date", "required", _("户籍状态为“死亡”时必须填写死亡日期"))
    if (
        status == "moved_out"
        and dates.get("moved_out_date") is None
        and "moved_out_date" not in _keys(errors)
    ):
        err("moved_out_date", "required", _("户籍状态为“迁出”时必须填写迁出日期"))
    for key in ("death_date", "moved_out_date"):
        if birth and dates.get(key) and dates[key] < birth:
            err(key, "before_birth", _("日期早于出生日期"))

    address, phone = cell("address"), cell("phone")
    if len(address) > _ADDRESS_MAX:
        err("address", "too_long", _("住址过长"))
    if len(phone) > _PHONE_MAX:
        err("phone", "too_long", _("联系电话过长"))

    flags = []
    for key in FLAGS:
        try:
            flags.append(parse_flag(cell(key)))
        except ValueError:
            flags.append(False)
            err(key, "flag", _("应为“是”或“否”（或 1/0）"))

    grade = _GRADES.get(cell("disability_grade").replace(" ", ""), -1)
    if grade == -1:
        grade = None
        err("disability_grade", "grade", _("残疾等级应为一级至四级（或 1–4），无残疾留空"))

    if errors:
        return errors
    return ParsedRow(
        line=line,
        id_number=ident.number,
        name=name,
        gender=gender,
        birth_date=birth,
        hukou_code=hukou,
        # A date given without the matching status is kept but does not change the status.
        status=status,
        death_date=dates["death_date"],
        moved_out_date=dates["moved_out_date"],
        address=address,
        phone=phone,
        flags=tuple(flags),
        disability_grade=grade,
    )


def _keys(errors: list[RowError]) -> set[str]:
    labels = {e.column for e in errors}
    return {k for k, label in COLUMN_LABELS.items() if label in labels}


def town_code_of(area_code: str) -> str | None:
    """The town/street code for a code inside the district, None for a code elsewhere."""
    if not area_code.startswith(DISTRICT_PREFIX):
        return None
    return area_code[:9] + "000"


def area_problem(line: int, area_code: str, levels: dict[str, str]) -> RowError | None:
    """A 户籍 code inside the district must be a known town/street or community/village, not the
    district itself; `levels` maps the district's codes to their level. Codes elsewhere are kept
    (people registered outside the district are never eligible, but they are not errors)."""
    if not area_code.startswith(DISTRICT_PREFIX):
        return None
    level = levels.get(area_code)
    if level is None:
        return RowError(
            line, COLUMN_LABELS["hukou_code"], "area_unknown", _("区划代码在合川区区划表中不存在")
        )
    if level == "district":
        return RowError(
            line, COLUMN_LABELS["hukou_code"], "area_level", _("户籍地应为镇街或村社区代码，不能是区代码")
        )
    return None


_FAST_GENDERS = {"男": "M", "女": "F"}
_FAST_STATUSES = {"正常": "normal", "": "normal", "死亡": "deceased", "迁出": "moved_out"}
_FAST_FLAGS = {"否": False, "": False, "0": False, "是": True, "1": True}
_KEYS = tuple(COLUMNS)
_CHECK_CHARS = frozenset("0123456789X")
_new_row = tuple.__new__


class RowParser:
    """`parse_row` for one file's header, with a fast path for the common, entirely valid row.

    A 1.5-million-row extract is parsed in one Python pass, so the per-row cost matters. The fast
    path accepts only the plainest spellings (an 18-character upper-case ID, `YYYY-MM-DD` dates,
    是/否 flags…) and hands anything else — including every row with a problem — to `parse_row`,
    which is the one place errors are worded. Both give identical results (tested).
    """

    def __init__(self, columns: dict[str, int]):
        self.columns = columns
        self.index = tuple(columns.get(k, -1) for k in _KEYS)
        # With every column present, one C call picks the cells of a full-length row.
        self._pick = itemgetter(*self.index) if min(self.index) >= 0 else None
        self._width = max(self.index) + 1

    def __call__(self, line: int, cells: list[str]) -> ParsedRow | list[RowError]:
        return self._fast(line, cells) or parse_row(line, cells, self.columns)

    def _fast(self, line: int, cells: list[str]) -> ParsedRow | None:
        n = len(cells)
        if self._pick and n >= self._width:
            picked = self._pick(cells)
        else:
            picked = [cells[i] if 0 <= i < n else "" for i in self.index]
        (number, name, gender, birth, hukou, status, death, moved, address, phone,
         f1, f2, f3, f4, f5, f6, grade) = picked  # fmt: skip
        if len(number) != 18 or not number[:17].isdigit() or number[17] not in _CHECK_CHARS:
            return None
        if idcard.check_char(number[:17]) != number[17]:
            return None
        digits = number[6:14]
        if len(birth) == 10 and birth[4] == "-" and birth[7] == "-":
            if birth[:4] + birth[5:7] + birth[8:10] != digits:
                return None
        elif birth != digits:
            return None
        try:
            born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        except ValueError:
            return None
        sex = _FAST_GENDERS.get(gender)
        state = _FAST_STATUSES.get(status)
        if (
            born.year < 1880
            or sex is None
            or sex != ("M" if int(number[16]) % 2 else "F")
            or not name
            or len(name) > _NAME_MAX
            or len(hukou) != 12
            or not hukou.isdigit()
            or state is None
            or len(address) > _ADDRESS_MAX
            or len(phone) > _PHONE_MAX
        ):
            return None
        died = left = None
        try:
            if death:
                if len(death) != 10 or death[4] != "-" or death[7] != "-":
                    return None
                died = dt.date.fromisoformat(death)
                if died < born:
                    return None
            if moved:
                if len(moved) != 10 or moved[4] != "-" or moved[7] != "-":
                    return None
                left = dt.date.fromisoformat(moved)
                if left < born:
                    return None
        except ValueError:
            return None
        if (state == "deceased" and died is None) or (state == "moved_out" and left is None):
            return None
        get = _FAST_FLAGS.get
        flags = (get(f1), get(f2), get(f3), get(f4), get(f5), get(f6))
        level = _GRADES.get(grade, -1)
        if None in flags or level == -1:
            return None
        # tuple.__new__ directly: the NamedTuple's own __new__ is a Python-level call per row.
        return _new_row(
            ParsedRow, (line, number, name, sex, born, hukou, state, died, left, address, phone, flags, level)
        )
