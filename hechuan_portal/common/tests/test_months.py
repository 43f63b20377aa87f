import datetime as dt

from hechuan_portal.common.months import month_begins_at

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_a_month_begins_at_local_midnight_of_its_first_day():
    begins = month_begins_at(dt.date(2027, 2, 17))  # any day of the month names it
    assert begins == dt.datetime(2027, 2, 1, tzinfo=SHANGHAI) == dt.datetime(2027, 1, 31, 16, tzinfo=dt.UTC)
    # The last second of January (local) is before it, the first of February is not.
    assert dt.datetime(2027, 1, 31, 23, 59, 59, tzinfo=SHANGHAI) < begins
    assert not dt.datetime(2027, 2, 1, 0, 0, 0, tzinfo=SHANGHAI) < begins
