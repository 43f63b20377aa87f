"""机构安置 (institution support, work plan 二(一)): a public nursing home's guaranteed beds (兜底床位)
and the elders placed in nursing homes, on a guaranteed bed or not."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet


class GuaranteedBeds(models.Model):
    """A public nursing home's guaranteed beds (兜底床位) for poor disabled elders: how many, and how
    many are taken (kept by the placement services with a conditional UPDATE, held by a constraint)."""

    facility = models.OneToOneField(
        "facilities.Facility", verbose_name=_("养老机构"), on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.PositiveIntegerField(_("兜底床位数"))
    used = models.PositiveIntegerField(_("已安置"), default=0)

    class Meta:
        verbose_name = _("兜底床位")
        verbose_name_plural = _("兜底床位")
        ordering = ["facility"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used__lte=F("capacity")), name="%(app_label)s_%(class)s_used_le_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.used}/{self.capacity}"


class PlacementQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = "facility"


class Placement(models.Model):
    """An elder placed in a nursing home, on a guaranteed bed or not, from `start_on` to `end_on`."""

    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    facility = models.ForeignKey(
        "facilities.Facility", verbose_name=_("养老机构"), on_delete=models.PROTECT, related_name="+"
    )
    guaranteed = models.BooleanField(_("占用兜底床位"), default=True)
    start_on = models.DateField(_("入住日期"))
    end_on = models.DateField(_("离院日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("机构安置")
        verbose_name_plural = _("机构安置")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(end_on__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} @ {self.facility_id}"
