"""The household import reports a bad ID number as an error of its row and column (issue 18): a
birth date after today or after the extract date, a superscript digit — never a traceback."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from hechuan_portal.residents.importer import ImportFailed, load_extract
from hechuan_portal.residents.models import Resident

from .conftest import HEADER, csv_line
from .factories import make_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def load(lines, extract_date):
    return load_extract(io.BytesIO(("\n".join([HEADER, *lines]) + "\n").encode()), extract_date=extract_date)


def errors(lines, extract_date):
    with pytest.raises(ImportFailed) as info:
        load(lines, extract_date)
    return [(e.line, e.column, e.code) for e in info.value.errors]


def test_a_birth_date_after_today_is_refused_on_the_id_and_birth_columns():
    tomorrow = TODAY + dt.timedelta(days=1)
    baby = make_id(tomorrow, male=False, seq=5)
    ok = make_id(TODAY, male=False, seq=6)
    got = errors(
        [csv_line(ok, "今日生", "女", f"{TODAY}"), csv_line(baby, "明日生", "女", f"{tomorrow}")],
        extract_date=TODAY,
    )
    assert sorted(got) == sorted([(3, "身份证号", "id_birth_date"), (3, "出生日期", "after_extract")])
    assert Resident.objects.count() == 0


def test_a_birth_on_the_extract_date_loads():
    load([csv_line(make_id(TODAY, male=True, seq=7), "今日生", "男", f"{TODAY}")], extract_date=TODAY)
    assert Resident.objects.get().birth_date == TODAY


@pytest.mark.parametrize("digit", ["²", "³", "٣"])
def test_a_non_ascii_digit_in_the_id_is_a_row_error(digit):
    valid = make_id(dt.date(1950, 3, 5), male=True, seq=9)
    bad = valid[:16] + digit + valid[17]
    got = errors(
        [csv_line(valid, "王甲", "男", "1950-03-05"), csv_line(bad, "王乙", "男", "1950-03-05")],
        extract_date=TODAY,
    )
    assert got == [(3, "身份证号", "id_format")]
