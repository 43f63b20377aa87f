"""`indicators_doc`: write docs/indicators.md from the indicators' definitions (overview/definitions.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from overview.definitions import markdown


class Command(BaseCommand):
    help = "Write docs/indicators.md from overview/indicators.py / 生成指标口径文档"

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "docs" / "indicators.md"
        path.write_text(markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
