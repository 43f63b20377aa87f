from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from facilities.services import facilities_import
from hechuan_portal.accounts.roles import SYSTEM


class Command(BaseCommand):
    help = (
        "Import the facility registry from XLSX or CSV (UTF-8/BOM/GBK); all or nothing unless "
        "--skip-invalid / 从表格导入设施名录"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="write the good rows and report the bad ones / 跳过错误行，导入其余行",
        )

    def handle(self, *args, file, skip_invalid, **options):
        if not Path(file).is_file():
            raise CommandError(f"找不到文件 / file not found: {file}")
        report = facilities_import(actor=SYSTEM, source=file, dry_run=False, skip_invalid=skip_invalid)
        for line, column, reasons in report.errors:
            where = f"第 {line} 行" + (f"［{column}］" if column else "")
            self.stderr.write(f"{where}: {'；'.join(reasons)}")
        if not report.written:
            raise CommandError(
                f"导入失败，未写入任何数据 / nothing was imported: {len(report.errors)} 处错误 / errors"
            )
        summary = f"新增 {report.created}，更新 {report.updated}，无变化 {report.unchanged}"
        english = f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}"
        if report.errors:
            summary += f"，跳过错误 {len(report.errors)} 处"
            english += f", skipped {len(report.errors)} errors"
        self.stdout.write(self.style.SUCCESS(f"{summary} / {english}"))
