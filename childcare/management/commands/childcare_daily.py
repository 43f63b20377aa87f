"""Run the childcare daily jobs on demand: expire waitlist offers, generate due check-ups."""

from django.core.management.base import BaseCommand

from childcare import services
from hechuan_portal.accounts.roles import SYSTEM


class Command(BaseCommand):
    help = "托育每日任务：递补通知逾期处理、生成应检健康检查 / expire offers, generate check-ups"

    def handle(self, *args, **options):
        expired = services.waitlist_expire_offers(actor=SYSTEM)
        offered = services.checkups_generate(actor=SYSTEM)
        self.stdout.write(f"expired offers: {expired}; check-ups offered to the insert: {offered}")
