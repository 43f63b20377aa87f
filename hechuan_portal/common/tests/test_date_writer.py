"""`date_writer` writes what Django's `date_format` writes, in both languages, for every day of a
leap year and a common one, the ends of the register's years and a format it cannot write itself."""

import datetime as dt

import pytest
from django.utils import translation
from django.utils.formats import date_format

from hechuan_portal.common.formatting import date_writer

DAYS = [dt.date(2023, 1, 1) + dt.timedelta(days=n) for n in range(366 + 365)]  # 2023 and leap 2024
EDGES = [
    dt.date(1, 1, 1),
    dt.date(999, 12, 31),
    dt.date(1900, 2, 28),
    dt.date(1926, 12, 31),
    dt.date(9999, 12, 31),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "format_name", ["DATE_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT", "SHORT_DATE_FORMAT"]
)
def test_it_writes_every_day_as_date_format_does(language, format_name):
    with translation.override(language):
        write = date_writer(format_name)
        assert [write(day) for day in DAYS + EDGES] == [date_format(day, format_name) for day in DAYS + EDGES]


def test_the_languages_differ_and_each_is_its_own():
    day = dt.date(1950, 3, 7)
    with translation.override("zh-hans"):
        assert date_writer()(day) == "1950年3月7日"
    with translation.override("en"):
        assert date_writer()(day) == "7 Mar 1950"


def test_a_format_with_characters_it_does_not_write_falls_back_to_django():
    moment = dt.datetime(2026, 12, 7, 9, 5)
    with translation.override("en"):
        assert (
            date_writer("DATETIME_FORMAT")(moment)
            == date_format(moment, "DATETIME_FORMAT")
            == "7 Dec 2026 09:05"
        )


def test_escaped_format_characters_are_written_as_they_are(settings):
    settings.DATE_FORMAT = r"\Y\e\a\r Y, \d\a\y j"
    with translation.override(None):
        day = dt.date(2026, 1, 5)
        assert date_writer("DATE_FORMAT")(day) == date_format(day, "DATE_FORMAT")
