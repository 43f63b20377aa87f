"""python manage.py close_payroll --period YYYY-MM"""

from django.core.management.base import BaseCommand, CommandError

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from subsidies.services import parse_period, payroll_close


class Command(BaseCommand):
    help = "关闭（冻结）某月发放名册 / Close a monthly payment roll"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)

    def handle(self, *args, period, **options):
        try:
            closed = payroll_close(actor=SYSTEM, month=parse_period(period))
        except PortalError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(f"已关闭 {closed.month:%Y-%m}：{closed.line_count} 人次，¥{closed.total_amount}")
