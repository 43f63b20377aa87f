"""python manage.py export_overpayments --output FILE.csv"""

from django.core.management.base import BaseCommand, CommandError

from hechuan_portal.accounts.roles import SYSTEM
from subsidies.services import overpayments_export


class Command(BaseCommand):
    help = "导出多发待追回清单 / Export overpayments to recover"

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True)

    def handle(self, *args, output, **options):
        if not output.lower().endswith((".csv", ".xlsx")):
            raise CommandError("输出文件应为 .csv 或 .xlsx / output must be .csv or .xlsx")
        rows = overpayments_export(actor=SYSTEM, output=output)
        self.stdout.write(f"已导出 {rows} 行到 {output}")
