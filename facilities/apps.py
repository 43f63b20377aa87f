from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("服务设施")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Facility
        from .services import facilities_changed

        # Every save through the model (forms, the admin, the demo, the tests' factories) renews the
        # staff list's cached parts; set-based writes call facilities_changed themselves.
        post_save.connect(facilities_changed, sender=Facility, dispatch_uid="facilities_changed")
        post_delete.connect(facilities_changed, sender=Facility, dispatch_uid="facilities_changed")
