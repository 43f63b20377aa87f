"""The pure rules: reading a meal row, care eligibility, the location check."""

import datetime as dt

import pytest

from hechuan_portal.residents.tests.factories import make_id

from .. import rules

TODAY = dt.date(2026, 12, 6)
COLUMNS, MISSING = rules.column_map(["日期", "身份证号", "人员类别", "就餐方式", "份数"])
NUMBER = make_id(dt.date(1940, 1, 1))


def parse(*cells):
    return rules.RowParser(COLUMNS, today=TODAY)(2, list(cells))


def test_header_columns_and_missing_ones():
    assert MISSING == []
    assert COLUMNS == {"day": 0, "id_number": 1, "category": 2, "way": 3, "count": 4}
    _, missing = rules.column_map(["日期", "份数"])
    assert [(m.column, m.code) for m in missing] == [
        ("人员类别", "missing_column"),
        ("就餐方式", "missing_column"),
    ]


def test_a_named_meal():
    row = parse("2026/12/01", NUMBER.lower(), "80岁以上", "送餐", "")
    assert row == rules.MealRow(2, dt.date(2026, 12, 1), "age_80", "delivery", NUMBER, 1)


def test_codes_are_accepted_beside_labels():
    assert parse("2026-12-01", "", "non_elder", "dine_in", "12").count == 12


@pytest.mark.parametrize(
    ("cells", "problems"),
    [
        (("", NUMBER, "80岁以上", "堂食", ""), [("日期", "required")]),
        (("2026-12-32", NUMBER, "80岁以上", "堂食", ""), [("日期", "bad_date")]),
        (("2026-12-07", NUMBER, "80岁以上", "堂食", ""), [("日期", "future_date")]),
        (("2026-12-01", NUMBER, "老人", "堂食", ""), [("人员类别", "bad_category")]),
        (("2026-12-01", NUMBER, "80岁以上", "外卖", ""), [("就餐方式", "bad_way")]),
        (("2026-12-01", NUMBER, "80岁以上", "堂食", "2"), [("份数", "person_count")]),
        (("2026-12-01", "", "非老年人", "堂食", "0"), [("份数", "bad_count")]),
        (("2026-12-01", NUMBER, "非老年人", "堂食", ""), [("身份证号", "id_not_allowed")]),
        (("2026-12-01", "", "低保/特困", "堂食", ""), [("身份证号", "id_required")]),
        (
            ("2026-12-01", NUMBER[:-1] + "0" if NUMBER[-1] != "0" else NUMBER[:-1] + "1", "失能", "堂食", ""),
            [("身份证号", "bad_id")],
        ),
    ],
)
def test_row_problems(cells, problems):
    assert [(e.column, e.code) for e in parse(*cells)] == problems


def test_care_eligibility_and_location_check():
    assert rules.needs_care(dibao=False, tekun=False, special_family=True, disabled=False)
    assert not rules.needs_care(dibao=False, tekun=False, special_family=False, disabled=False)
    assert rules.care_service_of("bath_van") == "bathing" and rules.care_service_of("cleaning") == "cleaning"
    assert rules.location_check(None, at_home=True) == "missing"
    assert rules.location_check(300, at_home=False) == "ok"
    assert rules.location_check(301, at_home=False) == "too_far"
    assert rules.location_check(2000, at_home=True) == "ok"
    assert rules.location_check(2001, at_home=True) == "too_far"


def test_the_bulk_reader_remembers_valid_parts_only():
    """The import's reader skips the parser for a row whose date and person cells were each seen in a
    valid row; a row pairing a known part with a bad one is still refused, with its own line."""
    from ..services.meals import _stage_text

    known = ["2026-12-01", NUMBER, "80岁以上", "堂食", ""]
    rows = [
        (2, known),
        (3, list(known)),
        (4, ["2026-13-01", *known[1:]]),
        (5, [*known[:4], "2"]),
        (6, known[:3]),
        (7, ["2026-12-02", *known[1:]]),
    ]
    errors: list = []
    text = b"".join(t for t, _n in _stage_text(rows, COLUMNS, TODAY, errors, {})).decode()
    staged = [line.split("\t") for line in text.splitlines()]
    assert [s[0] for s in staged] == ["2", "3", "7"]
    assert staged[0][1:] == staged[1][1:] and staged[2][1] == "2026-12-02"
    assert staged[0][2:4] == ["age_80", "dine_in"] and staged[0][5] == "1"
    assert [(e.line, e.column, e.code) for e in errors] == [
        (4, "日期", "bad_date"),
        (5, "份数", "person_count"),
        (6, "就餐方式", "required"),
    ]
