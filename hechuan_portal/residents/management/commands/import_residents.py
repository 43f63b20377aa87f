"""python manage.py import_residents FILE [--extract-date YYYY-MM-DD] [--source NAME] [--skip-invalid]
[--first-load]

`--first-load` is the go-live load of the district's first extract into the empty register
(docs/allowance.md): faster, but it holds a lock on the areas table until it commits.
"""

from __future__ import annotations

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.residents.importer import ImportFailed
from hechuan_portal.residents.reports import write_issue_report
from hechuan_portal.residents.services import residents_import

SHOWN_ERRORS = 200


class Command(BaseCommand):
    help = "导入户籍人口数据（CSV/XLSX）/ Import a household-registry extract (CSV/XLSX)"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--extract-date", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--source", default="")
        parser.add_argument("--skip-invalid", action="store_true")
        parser.add_argument(
            "--first-load",
            action="store_true",
            help="首次导入空的户籍人口表（上线前）/ the first load into the empty register (go-live)",
        )
        parser.add_argument("--report", help="write every problem to this CSV file / 错误报告输出文件")

    def handle(self, *args, file, extract_date, source, skip_invalid, report, first_load, **options):
        extract_date = extract_date or timezone.localdate()
        try:
            batch, result = residents_import(
                actor=SYSTEM, path=file, extract_date=extract_date, source=source, skip_invalid=skip_invalid,
                first_load=first_load,
            )  # fmt: skip
        except FileNotFoundError:
            raise CommandError(f"文件不存在 / file not found: {file}") from None
        except ImportFailed as exc:
            self._report(exc.errors, report)
            raise CommandError(f"{exc}（未写入任何数据 / nothing was written）") from None
        self._report(result.errors + result.warnings, report)
        self.stdout.write(
            f"读取 {result.rows_read} 行，新增 {result.inserted}，更新 {result.updated}，"
            f"未变化 {result.unchanged}，跳过错误行 {result.invalid}，警告 {len(result.warnings)}，"
            f"身份证号更正 {result.corrected} (batch {batch.pk})"
        )

    def _report(self, errors, path):
        for e in errors[:SHOWN_ERRORS]:
            self.stderr.write(f"第 {e.line} 行 {e.column}：{e.message}")
        if len(errors) > SHOWN_ERRORS:
            self.stderr.write(f"…… 共 {len(errors)} 条问题 / {len(errors)} problems in total")
        if path:
            with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                write_issue_report(fh, errors)
        elif errors:
            sys.stderr.flush()
