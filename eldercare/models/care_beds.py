"""家庭养老床位 (family care beds, work plan 二(七)): the policy, each bed from application to set-up
at home, the provider's monthly service records and the monthly subsidy claims."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet
from hechuan_portal.common.uploads import StoredUpload

from ..standards import Grade


class CareBedPolicy(models.Model):
    """Family care beds: for elders whose latest grade is at least `min_grade`; a bed's month is
    claimed only when its services reach the monthly minimum (visits and hours)."""

    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"), unique=True)
    min_grade = models.PositiveSmallIntegerField(
        _("最低能力等级"), choices=Grade.choices, default=Grade.MODERATE
    )
    monthly_subsidy = models.DecimalField(
        _("每床每月补贴（元）"), max_digits=10, decimal_places=2, default=300
    )
    min_visits = models.PositiveSmallIntegerField(_("每月最少上门次数"), default=4)
    min_hours = models.DecimalField(_("每月最少服务时长（小时）"), max_digits=6, decimal_places=1, default=8)

    class Meta:
        verbose_name = _("家庭养老床位政策")
        verbose_name_plural = _("家庭养老床位政策")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


class CareService(models.TextChoices):
    """The catalogue of home services a provider records against a bed."""

    PERSONAL_CARE = "personal_care", _("生活照料")
    NURSING = "nursing", _("基础护理")
    HEALTH = "health", _("健康管理")
    REHAB = "rehab", _("康复服务")
    COMFORT = "comfort", _("精神慰藉")
    MONITORING = "monitoring", _("安全监护")


class CareBedStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    REFUSED = "refused", _("不符合条件")
    ELIGIBLE = "eligible", _("符合条件")
    AGREED = "agreed", _("已签约")
    ACTIVE = "active", _("已建床")
    ENDED = "ended", _("已撤床")


class CareBedQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = "provider"


class CareBed(models.Model):
    """A family care bed: application (recorded by the community) → eligibility → agreement with a
    provider facility → set-up visit at home (location) → monthly service records → monthly claims."""

    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("服务机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=CareBedStatus.choices, default=CareBedStatus.APPLIED
    )
    applied_on = models.DateField(_("申请日期"))
    grade = models.PositiveSmallIntegerField(
        _("申请时能力等级"), choices=Grade.choices, null=True, blank=True
    )
    refusal_reason = models.CharField(_("不予受理原因"), max_length=32, blank=True)
    agreement_on = models.DateField(_("签约日期"), null=True, blank=True)
    setup_on = models.DateField(_("建床日期"), null=True, blank=True)
    setup_location = models.PointField(_("建床位置"), geography=True, null=True, blank=True)
    setup_notes = models.TextField(_("建床情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CareBedQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭养老床位")
        verbose_name_plural = _("家庭养老床位")
        ordering = ["-applied_on", "-id"]
        constraints = [
            # One open bed per person: a new application only after a refusal or the end of the last.
            models.UniqueConstraint(
                fields=["resident"],
                condition=~Q(status__in=["refused", "ended"]),
                name="%(app_label)s_%(class)s_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(provider__isnull=False, setup_on__isnull=False),
                name="%(app_label)s_%(class)s_active_has_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.get_status_display()}"


class CareBedMonth(models.Model):
    """The provider's service record of one bed for one month."""

    bed = models.ForeignKey(CareBed, verbose_name=_("床位"), on_delete=models.PROTECT, related_name="months")
    month = models.DateField(_("月份"))
    visits = models.PositiveSmallIntegerField(_("上门次数"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=6, decimal_places=1)
    services = ArrayField(
        models.CharField(max_length=16, choices=CareService.choices), verbose_name=_("服务内容"), default=list
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("床位月度服务记录")
        verbose_name_plural = _("床位月度服务记录")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["bed", "month"], name="%(app_label)s_%(class)s_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="%(app_label)s_%(class)s_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.bed_id} {self.month:%Y-%m}"

    @property
    def service_labels(self) -> list[str]:
        """The services by their names, for pages (the stored values are codes)."""
        names = dict(CareService.choices)
        return [str(names.get(code, code)) for code in self.services]


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待镇街审核")
    REVIEWED = "reviewed", _("待区级审批")
    APPROVED = "approved", _("已审批")
    PAID = "paid", _("已发放")


class CareBedClaimQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = "bed__provider"


class CareBedClaim(models.Model):
    """The month's subsidy for one bed: built from service records that reach the minimum, reviewed
    by the town, approved by the district, paid in the month's roll."""

    bed = models.ForeignKey(CareBed, verbose_name=_("床位"), on_delete=models.PROTECT, related_name="claims")
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"))
    amount = models.DecimalField(_("补贴金额（元）"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("镇街审核人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("区级审批人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)

    objects = CareBedClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("床位补贴申领")
        verbose_name_plural = _("床位补贴申领")
        ordering = ["-month", "bed"]
        constraints = [
            models.UniqueConstraint(fields=["bed", "month"], name="%(app_label)s_%(class)s_once_per_month"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False),
                name="%(app_label)s_%(class)s_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bed_id} {self.month:%Y-%m} {self.amount}"


class CareBedPhoto(StoredUpload):
    """A photo taken at the bed's set-up visit (stored by its hash, like inspection photos)."""

    bed = models.ForeignKey(CareBed, verbose_name=_("床位"), on_delete=models.CASCADE, related_name="photos")

    class Meta(StoredUpload.Meta):
        verbose_name = _("建床照片")
        verbose_name_plural = _("建床照片")
