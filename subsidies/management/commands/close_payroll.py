"""python manage.py close_payroll --period YYYY-MM"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from subsidies.services import parse_period, payroll_close


class Command(BaseCommand):
    help = "关闭（冻结）某月发放名册 / Close a monthly payment roll"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)

    def handle(self, *args, period, **options):
        try:
            closed = payroll_close(month=parse_period(period))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"已关闭 {closed.month:%Y-%m}：{closed.line_count} 人次，¥{closed.total_amount}")
