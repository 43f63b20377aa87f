from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EldercareConfig(AppConfig):
    name = "eldercare"
    verbose_name = _("养老服务")

    def ready(self) -> None:
        from hechuan_portal.residents.signals import register_imported

        register_imported.connect(_register_imported, dispatch_uid="eldercare.coverage")


def _register_imported(sender, **kwargs) -> None:
    """A household import changed the register (births into 80+, deaths, moves): recount today's
    assessment coverage."""
    from hechuan_portal.accounts.roles import SYSTEM

    from .services import coverage_refresh

    coverage_refresh(actor=SYSTEM)
