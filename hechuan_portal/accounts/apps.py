from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hechuan_portal.accounts"
    label = "accounts"
    verbose_name = _("账号与审计")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login/logout audit receivers)
        from .admin import replace_totp_admin

        replace_totp_admin()
