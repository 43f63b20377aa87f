from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hechuan_portal.accounts.models import Role
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.accounts.services import user_provision
from hechuan_portal.common.errors import PortalError


class Command(BaseCommand):
    help = "Create or update a portal user with a role and area scope / 创建或更新平台用户"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--area", help="12-digit area code (required for town_officer)")
        parser.add_argument("--password", required=True)

    def handle(self, *args, username, role, area, password, **options):
        try:
            user = user_provision(
                username=username, role=role, password=password, area_code=area, actor=SYSTEM
            )
        except PortalError as exc:
            raise CommandError(exc.detail) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"{user.username}: {user.get_role_display()} ({user.area or '-'})")
        )
