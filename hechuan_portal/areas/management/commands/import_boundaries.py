from django.core.management.base import BaseCommand, CommandError

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.areas.services import boundaries_import
from hechuan_portal.common.errors import PortalError


class Command(BaseCommand):
    help = "Load or update area boundaries/centroids from a GeoJSON file / 导入区划边界"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            result = boundaries_import(path=file, actor=SYSTEM)
        except PortalError as exc:
            raise CommandError("导入失败，未写入任何数据 / nothing was imported:\n" + exc.detail) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"新增 {result.created}，更新 {result.updated} / created {result.created}, updated {result.updated}"
            )
        )
