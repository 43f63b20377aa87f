import datetime as dt

import pytest

from hechuan_portal.common import idcard

# 11010519491231002X is the GB 11643 worked example (check character X).
VALID = "11010519491231002X"


def test_check_char_of_the_standard_example():
    assert idcard.check_char(VALID[:17]) == "X"


def test_parse_returns_birth_date_and_gender():
    parsed = idcard.parse(VALID)
    assert parsed.number == VALID
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "F"  # sequence 002: even


def test_lower_case_x_and_blanks_are_accepted():
    assert idcard.parse("  11010519491231002x ").number == VALID


def test_full_width_digits_are_normalised():
    full = "１１０１０５１９４９１２３１００２Ｘ"
    assert idcard.parse(full).number == VALID


def test_fifteen_digit_number_is_upgraded():
    # 15-digit 110105491231002 → insert 19 → 11010519491231002 + check X
    assert idcard.normalise("110105491231002") == VALID


def test_wrong_check_digit_is_refused():
    with pytest.raises(idcard.IdNumberError) as exc:
        idcard.parse("110105194912310021")
    assert exc.value.code == "id_check_digit"


def test_impossible_birth_date_is_refused():
    first17 = "50011719460230001"
    with pytest.raises(idcard.IdNumberError) as exc:
        idcard.parse(first17 + idcard.check_char(first17))
    assert exc.value.code == "id_birth_date"


def test_old_prefix_is_never_rejected():
    # 510226 合川县 (1983–1992): the prefix never decides validity (STANDARDS §1).
    first17 = "51022619300101001"
    number = first17 + idcard.check_char(first17)
    assert idcard.parse(number).gender == "M"


def test_bad_format_is_refused():
    with pytest.raises(idcard.IdNumberError) as exc:
        idcard.parse("5001171946")
    assert exc.value.code == "id_format"


def test_mask_keeps_prefix_and_last_four():
    assert idcard.mask("50011719461215123X") == "500117********123X"
