"""The problem report of an import as CSV (line number, column, reason — never cell values)."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.utils.translation import gettext as _

from hechuan_portal.common.exports import safe_cell


def write_issue_report(stream, errors: Iterable) -> None:
    """Write `行号, 列, 错误代码, 原因` rows; `errors` are RowError or ImportIssue objects."""
    writer = csv.writer(stream)
    writer.writerow([_("行号"), _("列"), _("错误代码"), _("原因")])
    for e in errors:
        writer.writerow([e.line, safe_cell(e.column), e.code, safe_cell(e.message)])
