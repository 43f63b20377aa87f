from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("高龄津贴")

    def ready(self) -> None:
        from hechuan_portal.residents.signals import register_imported

        register_imported.connect(_register_imported, dispatch_uid="subsidies.towns")


def _register_imported(sender, **kwargs) -> None:
    """A household import may have moved people between towns: their grants and decisions follow."""
    from hechuan_portal.accounts.roles import SYSTEM

    from .services import towns_follow_register

    towns_follow_register(actor=SYSTEM)
