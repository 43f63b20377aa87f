"""Household-extract rows (DESIGN §6): column names, cell parsing and the per-row checks. No ORM.

`RowParser` turns one row's text cells into typed values or a list of `RowError`s (column and
Chinese reason): the one row parser of the import. The area check (`area_problem`) runs on each
parsed row against the district's areas, loaded once; the check across rows (the same ID twice with
different data) runs in bulk in SQL on the staging table (`importer.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from django.utils.translation import gettext as _

from hechuan_portal.common import idcard
from hechuan_portal.common.tabular import match_columns

DISTRICT_PREFIX = "500117"

# Canonical key → accepted header spellings (Chinese first, then English aliases), compared as
# `common/tabular.py: normalize_header` has them.
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
    "moved_in_date": ("迁入日期", "moved_in_date", "move_in_date", "date moved in"),
    "previous_id_number": ("曾用身份证号", "previous_id_number", "previous id number", "previous_id"),
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
_FLAG_VALUES = {
    **dict.fromkeys(("是", "1", "y", "yes", "true", "√"), True),
    **dict.fromkeys(("否", "0", "n", "no", "false", ""), False),
}
_GRADES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "1": 1, "2": 2, "3": 3, "4": 4, "": None}
_DATE = re.compile(r"^(\d{4})[-/]?(\d{1,2})[-/]?(\d{1,2})$")
_NAME_MAX = 64
_ADDRESS_MAX = 255
_PHONE_MAX = 32

# Warning codes: the row is imported, the batch's report lists it (STANDARDS §6 rule 9).
CONTRADICTION = "contradiction"
WARNING_CODES = frozenset({CONTRADICTION})


class HeaderError(ValueError):
    """The header lacks required columns or repeats one; the message is Chinese."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # Chinese column name, or "" for the whole row
    code: str
    message: str


def map_header(header: list[str]) -> dict[str, int]:
    """Column key → cell index. Unknown columns are ignored; missing required ones are an error.
    Names are compared as `common/tabular.py: normalize_header` has them (full-width, blanks,
    a unit in brackets and case do not matter), the same matching as every spreadsheet import."""
    found, repeated = match_columns(header, COLUMNS)
    if repeated:
        raise HeaderError(_("表头中“%(column)s”列重复") % {"column": COLUMN_LABELS[repeated[0]]})
    missing = [COLUMN_LABELS[k] for k in REQUIRED if k not in found]
    if missing:
        raise HeaderError(_("缺少必需的列：%(columns)s") % {"columns": "、".join(missing)})
    return found


def parse_date(value: str) -> dt.date | None:
    """`YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD`; None for blank; ValueError when unreadable."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
        return dt.date.fromisoformat(value)  # the usual spelling, read in C
    value = value.strip()
    if not value:
        return None
    match = _DATE.match(value)
    if not match:
        raise ValueError(value)
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


def parse_flag(value: str) -> bool:
    flag = _FLAG_VALUES.get(value)
    if flag is None:
        flag = _FLAG_VALUES.get(value.strip().lower())
        if flag is None:
            raise ValueError(value)
    return flag


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
    moved_in_date: dt.date | None = None
    previous_id_number: str = ""  # "" when the row names no previous number
    warning: RowError | None = None  # a contradiction (rule 9): imported, listed in the report


def parse_row(
    line: int, cells: list[str], columns: dict[str, int], *, extract_date: dt.date | None = None
) -> ParsedRow | list[RowError]:
    """Parse one data row with `RowParser` (for a single row; a file builds one parser)."""
    return RowParser(columns, extract_date=extract_date)(line, cells)


def _unreadable_date() -> str:
    return _("日期格式应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD")


_KEYS = tuple(COLUMNS)
_LABEL = COLUMN_LABELS
_new_row = tuple.__new__


class RowParser:
    """The row parser of the household import: one row's text cells → a `ParsedRow`, or every
    problem of the row (`RowError`: column and Chinese reason). Built once per file, for its header.

    A 1.5-million-row extract is parsed in one Python pass, so each cell is read by its usual
    spelling first (a dictionary look-up, `date.fromisoformat`) and only then by the other accepted
    spellings; the errors list stays empty on the common, valid row.
    """

    def __init__(self, columns: dict[str, int], *, extract_date: dt.date | None = None):
        self.columns = columns
        # Rule 9: no date of the row may lie after the extract's date (None: not checked).
        self.extract_date = extract_date
        self.index = tuple(columns.get(k, -1) for k in _KEYS)
        # With every column present, one C call picks the cells of a full-length row. The optional
        # columns added last (迁入日期, 曾用身份证号) are often absent: blanks are appended for them.
        present = len(self.index)
        while present and self.index[present - 1] < 0:
            present -= 1
        self._blanks = ("",) * (len(self.index) - present)
        head = self.index[:present]
        self._pick = itemgetter(*head) if len(head) > 1 and min(head) >= 0 else None
        self._width = max(self.index) + 1

    def __call__(self, line: int, cells: list[str]) -> ParsedRow | list[RowError]:
        n = len(cells)
        if self._pick and n >= self._width:
            picked = self._pick(cells) + self._blanks
        else:
            picked = [cells[i] if 0 <= i < n else "" for i in self.index]
        (number, name, gender, birth, hukou, status, death, moved, address, phone,
         f1, f2, f3, f4, f5, f6, grade, moved_in, previous) = picked  # fmt: skip
        errors: list[RowError] = []
        err = errors.append

        ident = None
        try:
            ident = idcard.parse(number)
        except idcard.IdNumberError as exc:
            err(RowError(line, _LABEL["id_number"], exc.code, str(exc)))

        name = name.strip()
        if not name:
            err(RowError(line, _LABEL["name"], "required", _("姓名不能为空")))
        elif len(name) > _NAME_MAX:
            err(RowError(line, _LABEL["name"], "too_long", _("姓名过长")))

        sex = _GENDERS.get(gender) or _GENDERS.get(gender.strip().lower())
        if sex is None:
            err(RowError(line, _LABEL["gender"], "gender", _("性别应为“男”或“女”")))
        elif ident and ident.gender != sex:
            err(RowError(line, _LABEL["gender"], "gender_mismatch", _("性别与身份证号不一致")))

        born = None
        try:
            if (
                ident
                and birth[4:5] == "-" == birth[7:8]
                and birth[:4] + birth[5:7] + birth[8:] == ident.number[6:14]
            ):
                born = ident.birth_date  # the usual row: the cell is the ID's own, valid date
            else:
                born = parse_date(birth)
            if born is None:
                err(RowError(line, _LABEL["birth_date"], "required", _("出生日期不能为空")))
        except ValueError:
            err(
                RowError(
                    line,
                    _LABEL["birth_date"],
                    "date",
                    _("出生日期格式应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD"),
                )
            )
        if born and ident and ident.birth_date != born:
            err(RowError(line, _LABEL["birth_date"], "birth_mismatch", _("出生日期与身份证号不一致")))

        hukou = hukou.strip()
        if len(hukou) != 12 or not hukou.isdecimal():  # twelve digits
            err(RowError(line, _LABEL["hukou_code"], "area_format", _("户籍地区划代码应为 12 位数字")))

        state = _STATUSES.get(status)
        if state is None:
            state = _STATUSES.get(status.strip().lower())
            if state is None:
                err(RowError(line, _LABEL["status"], "status", _("户籍状态应为“正常”“死亡”或“迁出”")))

        died = left = arrived = None
        if death or moved or moved_in:  # usually all three are blank
            try:
                died = parse_date(death)
            except ValueError:
                err(RowError(line, _LABEL["death_date"], "date", _unreadable_date()))
                death = None  # told once: not "required" as well
            try:
                left = parse_date(moved)
            except ValueError:
                err(RowError(line, _LABEL["moved_out_date"], "date", _unreadable_date()))
                moved = None
            try:
                arrived = parse_date(moved_in)
            except ValueError:
                err(RowError(line, _LABEL["moved_in_date"], "date", _unreadable_date()))
        if state == "deceased" and died is None and death is not None:
            err(RowError(line, _LABEL["death_date"], "required", _("户籍状态为“死亡”时必须填写死亡日期")))
        if state == "moved_out" and left is None and moved is not None:
            err(RowError(line, _LABEL["moved_out_date"], "required", _("户籍状态为“迁出”时必须填写迁出日期")))
        if born and died and died < born:
            err(RowError(line, _LABEL["death_date"], "before_birth", _("日期早于出生日期")))
        if born and left and left < born:
            err(RowError(line, _LABEL["moved_out_date"], "before_birth", _("日期早于出生日期")))
        if born and arrived and arrived < born:
            err(RowError(line, _LABEL["moved_in_date"], "before_birth", _("日期早于出生日期")))
        extract = self.extract_date
        if extract is not None and (
            (born and born > extract)
            or (died and died > extract)
            or (left and left > extract)
            or (arrived and arrived > extract)
        ):  # usually false: the loop naming the columns runs only for a bad row
            for key, day in (
                ("birth_date", born),
                ("death_date", died),
                ("moved_out_date", left),
                ("moved_in_date", arrived),
            ):
                if day is not None and day > extract:
                    err(RowError(line, _LABEL[key], "after_extract", _("日期晚于数据提取日期")))

        before = ""
        previous = previous.strip()
        if previous:
            try:
                before = idcard.parse(previous).number
            except idcard.IdNumberError as exc:
                err(RowError(line, _LABEL["previous_id_number"], exc.code, str(exc)))
            else:
                if ident and before == ident.number:
                    err(
                        RowError(
                            line,
                            _LABEL["previous_id_number"],
                            "previous_same",
                            _("曾用身份证号与身份证号相同"),
                        )
                    )

        address, phone = address.strip(), phone.strip()
        if len(address) > _ADDRESS_MAX:
            err(RowError(line, _LABEL["address"], "too_long", _("住址过长")))
        if len(phone) > _PHONE_MAX:
            err(RowError(line, _LABEL["phone"], "too_long", _("联系电话过长")))

        get = _FLAG_VALUES.get
        flags: tuple[bool | None, ...] = (get(f1), get(f2), get(f3), get(f4), get(f5), get(f6))
        if None in flags:  # another spelling (blanks, capitals) or an unreadable cell
            read: list[bool] = []
            for key, value in zip(FLAGS, (f1, f2, f3, f4, f5, f6), strict=True):
                try:
                    read.append(parse_flag(value))
                except ValueError:
                    read.append(False)
                    err(RowError(line, _LABEL[key], "flag", _("应为“是”或“否”（或 1/0）")))
            flags = tuple(read)

        level = _GRADES.get(grade, -1)
        if level == -1:
            level = _GRADES.get(grade.replace(" ", ""), -1)
            if level == -1:
                err(
                    RowError(
                        line,
                        _LABEL["disability_grade"],
                        "grade",
                        _("残疾等级应为一级至四级（或 1–4），无残疾留空"),
                    )
                )

        if errors:
            return errors
        assert ident is not None and born is not None and sex is not None and state is not None
        # tuple.__new__ directly: the NamedTuple's own __new__ is a Python-level call per row.
        # A date given without the matching status is kept and stops payment by itself (rule 9):
        # 户籍状态 正常 with a death date, or with a move-out date not followed by a move-in, is a
        # contradiction — imported, and listed as a warning of its row.
        warning = None
        if state == "normal" and (died or (left and not (arrived and arrived > left))):
            warning = RowError(
                line,
                _LABEL["death_date" if died else "moved_out_date"],
                CONTRADICTION,
                _("户籍状态为“正常”但填写了死亡日期或迁出日期：已按日期停发"),
            )
        return _new_row(
            ParsedRow,
            (line, ident.number, name, sex, born, hukou, state, died, left, address, phone, flags, level,
             arrived, before, warning),
        )  # fmt: skip


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
