from django.core.management.base import BaseCommand, CommandError

from facilities.services import CoverageBusy, coverage_refresh
from hechuan_portal.accounts.roles import SYSTEM


class Command(BaseCommand):
    help = "Recompute the 15-minute service circle now / 立即重新计算15分钟服务圈"

    def handle(self, *args, **options):
        try:
            run = coverage_refresh(actor=SYSTEM)
        except CoverageBusy:
            raise CommandError("已有计算在进行 / another refresh is running") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"村社区 {run.communities}，结果 {run.rows} 行 / communities {run.communities}, rows {run.rows}"
            )
        )
