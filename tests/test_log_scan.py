"""No ID number in any log line written during the whole test run (tests/conftest.py collects them).

Runs last (tests/conftest.py orders it). Masked numbers (500117********123X) are fine; an 18-character
GB 11643 shape whose check character is right is not.
"""

import logging
import re

from hechuan_portal.common.idcard import check_char

from .conftest import SUITE_LOG

ID_SHAPE = re.compile(
    r"(?<![0-9A-Za-z])(\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9A-Za-z])"
)


def find_id_numbers(text: str) -> list[str]:
    return [m for m in ID_SHAPE.findall(text) if check_char(m[:17]) == m[17].upper()]


def test_scanner_finds_a_valid_number_and_ignores_masked_ones():
    body = "17" + "0" * 15
    valid = "11010519491231002" + check_char("11010519491231002")
    assert find_id_numbers(f"imported {valid} ok") == [valid]
    assert find_id_numbers("500117********123X and order 2026120112345678901 and " + body) == []


def test_the_suite_log_is_being_written():
    logging.getLogger("hechuan_portal.tests").warning("suite log probe")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "suite log probe" in SUITE_LOG.read_text(encoding="utf-8")


def test_no_id_number_in_any_log_written_during_the_suite():
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = SUITE_LOG.read_text(encoding="utf-8")
    found = find_id_numbers(text)
    assert found == [], f"{len(found)} ID numbers in the logs, e.g. {found[0][:6]}…"
