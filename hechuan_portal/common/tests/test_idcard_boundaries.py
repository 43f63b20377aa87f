"""ID numbers at their edges (issue 18): a birth date after today is refused, today's is accepted;
a superscript or another script's digit is a format error, never an exception of another kind."""

import datetime as dt

import pytest

from hechuan_portal.common import idcard


def number(birth: dt.date, seq: str = "001") -> str:
    first17 = f"500117{birth:%Y%m%d}{seq}"
    return first17 + idcard.check_char(first17)


def code_of(raw: str, **kw) -> str:
    with pytest.raises(idcard.IdNumberError) as exc:
        idcard.parse(raw, **kw)
    return exc.value.code


def test_birth_after_today_is_refused_and_today_accepted():
    today = dt.date(2026, 12, 7)
    assert idcard.parse(number(today), today="20261207").birth_date == today
    assert code_of(number(today + dt.timedelta(days=1)), today="20261207") == "id_birth_date"


def test_the_default_today_is_the_districts():
    from django.utils import timezone

    today = timezone.localdate()  # settings.TIME_ZONE, the district's day
    assert idcard.parse(number(today)).birth_date == today
    assert code_of(number(today + dt.timedelta(days=1))) == "id_birth_date"


@pytest.mark.parametrize("digit", ["²", "³", "¹", "٣", "߃", "𝟑"])
def test_non_ascii_digits_are_a_format_error(digit):
    valid = number(dt.date(1990, 5, 17))
    for position in (0, 9, 16, 17):
        raw = valid[:position] + digit + valid[position + 1 :]
        assert code_of(raw) == "id_format"


def test_a_fifteen_character_superscript_number_is_a_format_error():
    assert code_of("５００１１７９００５１７００²") == "id_format"
    assert code_of("50011790051700²") == "id_format"
