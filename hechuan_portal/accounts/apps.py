from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "hechuan_portal.accounts"
    label = "accounts"
    verbose_name = _("账号与审计")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login/logout audit receivers)
        from .admin import replace_totp_admin

        replace_totp_admin()


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site (admin_site.py) as `admin.site`."""

    default = False
    default_site = "hechuan_portal.accounts.admin_site.PortalAdminSite"
