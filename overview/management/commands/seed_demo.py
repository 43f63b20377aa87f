"""`seed_demo`: the demo data of every app. It lives in the overview, the top floor, because it calls
every app's `demo.seed` and then the services that summarise them (service circle, dashboard)."""

import importlib
import importlib.util

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from facilities.services import coverage_refresh
from hechuan_portal.accounts.roles import SYSTEM
from overview.services import snapshot_refresh

# Called in this order (BRIEF): each app's `demo.seed(*, residents, stdout)`, where the module exists.
DEMO_MODULES = [
    "hechuan_portal.areas.demo",
    "facilities.demo",
    "hechuan_portal.residents.demo",
    "subsidies.demo",
    "childcare.demo",
    "monitoring.demo",
    "eldercare.demo",
    "community.demo",
]


class Command(BaseCommand):
    help = "Load the deterministic demo data set (marked 演示数据); safe to run again / 载入演示数据"

    def add_arguments(self, parser):
        parser.add_argument(
            "--residents", type=int, default=20000, help="number of demo residents / 演示户籍人口数"
        )

    def handle(self, *args, residents, **options):
        if residents < 0:
            raise CommandError("--residents 不能为负数 / must not be negative")
        from facilities.reference import load_service_layers

        # The service-circle layers (fixtures/service_circle.json), if a database lacks them.
        load_service_layers()
        for name in DEMO_MODULES:
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            if not hasattr(module, "seed"):
                continue
            self.stdout.write(f"==> {name}")
            module.seed(residents=residents, stdout=self.stdout)
        # The service circle counts the demo residents too, so it is computed after every seed.
        run = coverage_refresh(actor=SYSTEM)
        self.stdout.write(f"==> 15分钟服务圈 / service circle: {run.communities} communities")
        # The dashboard reads snapshots: refresh this month's so it shows the data just loaded.
        rows = snapshot_refresh(period=timezone.localdate().replace(day=1), actor=SYSTEM)
        self.stdout.write(f"==> 一网统管 / overview: {rows} indicator figures")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data ready"))
