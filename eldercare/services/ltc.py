"""长期护理保险: the long-term-care insurance export of everyone whose latest signed grade reaches the
policy's LTC grade."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import IO, Any, TextIO

from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common import crypto
from hechuan_portal.common.exports import safe_cell
from hechuan_portal.residents.models import Gender

from .. import access, selectors, standards

LTC_COLUMNS = (
    _("身份证号"),
    _("姓名"),
    _("性别"),
    _("出生日期"),
    _("镇街"),
    _("评估日期"),
    _("能力等级"),
    _("等级名称"),
)


def ltc_export(
    *,
    actor: Any,
    output: TextIO,
    as_of: dt.date | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write the long-term-care insurance file (CSV, UTF-8 with BOM): everyone whose latest signed
    grade reaches the policy's LTC grade, full ID number, assessment date and grade. District roles
    only (the view also asks for the password again); audited (EXPORT) with the row count only."""
    require(access.can_export_ltc, actor)
    rows = 0
    # UTF-8 with BOM for the bureau's spreadsheet; the caller holds the text in memory, never on disk
    output.write("\ufeff")
    writer = csv.writer(output)
    writer.writerow([str(c) for c in LTC_COLUMNS])
    people = selectors.ltc_rows(as_of=as_of)
    for cipher, name, gender, birth, town, assessed_on, grade in people.iterator(chunk_size=5000):
        writer.writerow(
            [
                crypto.decrypt(cipher),
                safe_cell(name),
                str(Gender(gender).label),
                birth.isoformat(),
                safe_cell(town),
                assessed_on.isoformat(),
                grade,
                str(standards.Grade(grade).label),
            ]
        )
        rows += 1
        if on_progress is not None:
            on_progress(rows)
    audit_record(
        action=AuditAction.EXPORT,
        actor=audit_user(actor),
        object_type="eldercare.ltc_export",
        reason="long-term care insurance export",
        changes={"rows": rows},
    )
    return rows


def ltc_export_file(
    *, actor: Any, output: IO[bytes], on_progress: Callable[[int], None] | None = None
) -> int:
    """`ltc_export` into a binary file object (UTF-8): the background export's builder
    (accounts/export_jobs.py), which keeps the file in memory."""
    text = io.TextIOWrapper(output, encoding="utf-8", newline="")
    try:
        return ltc_export(actor=actor, output=text, on_progress=on_progress)
    finally:
        text.flush()
        text.detach()
