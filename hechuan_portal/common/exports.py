"""Export helpers shared by every CSV/XLSX download."""

from __future__ import annotations

# A cell starting with one of these is read as a formula by Excel/WPS (CSV/formula injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise spreadsheet formula injection: text that would start a formula gets a leading '.

    Numbers are left alone (a negative amount stays a number); only text is prefixed.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
