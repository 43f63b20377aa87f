"""python manage.py match_allowances [--as-of YYYY-MM-DD] [--full]"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hechuan_portal.accounts.roles import SYSTEM
from subsidies.matching import RunInProgress
from subsidies.services import allowance_match


class Command(BaseCommand):
    help = "高龄津贴匹配（免申即享）/ Match the senior age allowance"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--full", action="store_true", help="全量匹配 / examine everybody")

    def handle(self, *args, as_of, full, **options):
        try:
            outcome = allowance_match(
                actor=SYSTEM, as_of=as_of or timezone.localdate(), trigger="command", force_full=full
            )
        except RunInProgress:
            raise CommandError("另一次匹配正在运行，本次已退出 / a run is in progress, exiting") from None
        run = outcome.run
        counts = ", ".join(f"{k}={v}" for k, v in sorted(outcome.counts.items()))
        self.stdout.write(f"匹配完成 run {run.pk} ({run.mode}, {run.examined} examined): {counts}")
