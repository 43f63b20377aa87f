"""助浴助洁 (bathing and cleaning): monthly visit plans for elders in difficulty, the visits recorded
on the provider's phone with their location check, and the visit photos."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet
from hechuan_portal.common.ratios import figure_value
from hechuan_portal.common.uploads import StoredUpload


class CareKind(models.TextChoices):
    BATH_POINT = "bath_point", _("助浴点助浴")
    BATH_VAN = "bath_van", _("助浴车上门")
    BATH_HOME = "bath_home", _("入户助浴")
    CLEANING = "cleaning", _("入户助洁")


class CareService(models.TextChoices):
    """What a monthly plan counts: any bathing kind, or cleaning."""

    BATHING = "bathing", _("助浴")
    CLEANING = "cleaning", _("助洁")


class LocationCheck(models.TextChoices):
    OK = "ok", _("位置相符")
    TOO_FAR = "too_far", _("距离过远")
    MISSING = "missing", _("未定位")


class CareQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = "provider"


class CarePlan(models.Model):
    """How many bathing or cleaning visits an elder in difficulty is to have in a month (data)."""

    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("服务对象"), on_delete=models.PROTECT, related_name="care_plans"
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"))
    service = models.CharField(_("服务"), max_length=16, choices=CareService.choices)
    visits = models.PositiveSmallIntegerField(_("计划次数"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("助浴助洁月度计划")
        verbose_name_plural = _("助浴助洁月度计划")
        ordering = ["-month", "town", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "month", "service"], name="community_careplan_one_per_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="community_careplan_first_of_month"),
            models.CheckConstraint(condition=Q(visits__gte=1), name="community_careplan_visits_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.month:%Y-%m} {self.service}"

    @property
    def share(self) -> Decimal | None:
        """The share of the planned visits delivered, in per cent (the one rounding of figures), on a
        plan annotated with `delivered` by `selectors.plan_delivery`."""
        return figure_value(getattr(self, "delivered", 0), self.visits, 100)


class CareRecord(models.Model):
    """One bathing or cleaning visit recorded by the provider on a phone: when, where the phone was
    (checked against the bathing point, or the elder's community for home visits), and a photo."""

    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("服务对象"),
        on_delete=models.PROTECT,
        related_name="care_records",
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("服务方式"), max_length=16, choices=CareKind.choices)
    provider = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("服务机构"),
        on_delete=models.PROTECT,
        related_name="care_records",
    )
    performed_at = models.DateTimeField(_("服务时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    device_location = models.PointField(_("记录时定位"), srid=4326, geography=True, null=True, blank=True)
    location_accuracy_m = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("距核验点距离（米）"), null=True, blank=True)
    location_check = models.CharField(_("定位核验"), max_length=16, choices=LocationCheck.choices)
    location_note = models.CharField(_("定位说明"), max_length=255, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    callback_note = models.CharField(_("回访记录"), max_length=255, blank=True)
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CareQuerySet.as_manager()

    class Meta:
        verbose_name = _("助浴助洁记录")
        verbose_name_plural = _("助浴助洁记录")
        ordering = ["-performed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="community_carerecord_satisfaction_1_5",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(callback_at__isnull=False),
                name="community_carerecord_callback_has_time",
            ),
            # Recorded too far away only with the provider's explanation.
            models.CheckConstraint(
                condition=~Q(location_check="too_far") | ~Q(location_note=""),
                name="community_carerecord_too_far_explained",
            ),
        ]
        indexes = [
            # plan_delivery: a month's records per elder.
            models.Index(fields=["resident", "performed_at"], name="community_care_person_time"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.kind} {self.performed_at:%Y-%m-%d}"


class CarePhoto(StoredUpload):
    """The photo taken with a care visit (stored by its hash)."""

    record = models.ForeignKey(
        CareRecord, verbose_name=_("服务记录"), on_delete=models.CASCADE, related_name="photos"
    )

    class Meta(StoredUpload.Meta):
        verbose_name = _("服务照片")
        verbose_name_plural = _("服务照片")
