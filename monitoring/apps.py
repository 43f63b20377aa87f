from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("监管与探访")

    def ready(self) -> None:
        from hechuan_portal.residents.signals import register_imported

        register_imported.connect(_register_imported, dispatch_uid="monitoring.visit_due")


def _register_imported(sender, **kwargs) -> None:
    """A household import changed the register (deaths, moves, flags): rebuild the visit list."""
    from hechuan_portal.accounts.roles import SYSTEM

    from .services import visit_due_refresh

    visit_due_refresh(actor=SYSTEM)
