"""python manage.py export_payroll --period YYYY-MM --output FILE.csv|FILE.xlsx"""

from django.core.management.base import BaseCommand, CommandError

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from subsidies.services import parse_period, payroll_export


class Command(BaseCommand):
    help = "导出发放名册（银行代发，含完整身份证号）/ Export a payment roll for the bank"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, period, output, **options):
        if not output.lower().endswith((".csv", ".xlsx")):
            raise CommandError("输出文件应为 .csv 或 .xlsx / output must be .csv or .xlsx")
        try:
            rows = payroll_export(actor=SYSTEM, month=parse_period(period), output=output)
        except PortalError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(f"已导出 {rows} 行到 {output}")
