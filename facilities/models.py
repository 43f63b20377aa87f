"""The registry of elder-care and childcare facilities (服务设施)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet


class FacilityKind(models.TextChoices):
    NURSING_HOME = "nursing_home", _("养老机构")
    ELDER_CARE_CENTER = "elder_care_center", _("区域养老服务中心")
    COMMUNITY_ELDER_STATION = "community_elder_station", _("社区养老服务站")
    DAY_CARE = "day_care", _("日间照料中心")
    ELDER_CANTEEN = "elder_canteen", _("老年食堂")
    ELDER_UNIVERSITY = "elder_university", _("老年大学")
    BATHING_POINT = "bathing_point", _("助浴点")
    NURSERY = "nursery", _("托育机构")
    CHILDCARE_POINT = "childcare_point", _("普惠托育服务点")
    KINDERGARTEN = "kindergarten", _("幼儿园托班")
    EMPLOYER_NURSERY = "employer_nursery", _("用人单位办托")
    MEDICAL_PARTNER = "medical_partner", _("医养医育结合机构")


ELDER_KINDS = frozenset(
    {
        FacilityKind.NURSING_HOME,
        FacilityKind.ELDER_CARE_CENTER,
        FacilityKind.COMMUNITY_ELDER_STATION,
        FacilityKind.DAY_CARE,
        FacilityKind.ELDER_CANTEEN,
        FacilityKind.ELDER_UNIVERSITY,
        FacilityKind.BATHING_POINT,
    }
)
CHILDCARE_KINDS = frozenset(
    {
        FacilityKind.NURSERY,
        FacilityKind.CHILDCARE_POINT,
        FacilityKind.KINDERGARTEN,
        FacilityKind.EMPLOYER_NURSERY,
    }
)
# Kinds that keep beds (床位) rather than only services.
BED_KINDS = frozenset({FacilityKind.NURSING_HOME, FacilityKind.ELDER_CARE_CENTER, FacilityKind.DAY_CARE})


class CanteenSubtype(models.TextChoices):
    COMMUNITY = "community", _("社区老年食堂")
    ESTATE = "estate", _("小区老年食堂")
    MEAL_POINT = "meal_point", _("助餐点")
    MARKET_DAY = "market_day", _("赶集老年食堂")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")
    PUBLIC_PRIVATE = "public_private", _("公建民营")
    STATE_ENTERPRISE = "state_enterprise", _("国企运营")


class FacilityStatus(models.TextChoices):
    PLANNED = "planned", _("筹建中")
    OPERATING = "operating", _("运营中")
    SUSPENDED = "suspended", _("暂停服务")
    CLOSED = "closed", _("已关闭")


class FilingStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("无需备案")
    PENDING = "pending", _("未备案")
    SUBMITTED = "submitted", _("备案审核中")
    FILED = "filed", _("已备案")
    REJECTED = "rejected", _("备案不符合要求")


class FacilityQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = ""  # the facility itself: an operator sees the facilities they run

    def public(self):
        """What residents may see: facilities that are open or about to open."""
        return self.filter(status__in=[FacilityStatus.OPERATING, FacilityStatus.SUSPENDED])


class Facility(models.Model):
    """A place that serves elders or toddlers. Location is WGS 84; distances use geography."""

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=32, choices=FacilityKind.choices)
    canteen_subtype = models.CharField(
        _("食堂类别"), max_length=16, choices=CanteenSubtype.choices, blank=True
    )
    ownership = models.CharField(
        _("性质"), max_length=24, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    operator_name = models.CharField(_("运营主体"), max_length=128, blank=True)
    town = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("镇街"),
        on_delete=models.PROTECT,
        related_name="facilities",
        limit_choices_to={"level": "town"},
    )
    community = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("村社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="community_facilities",
        limit_choices_to={"level": "community"},
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    location = models.PointField(_("位置"), srid=4326, geography=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    opening_hours = models.CharField(_("服务时间"), max_length=128, blank=True)
    services = models.TextField(_("服务内容"), blank=True)
    beds_total = models.PositiveIntegerField(_("床位总数"), default=0)
    beds_nursing = models.PositiveIntegerField(_("护理型床位"), default=0)
    beds_occupied = models.PositiveIntegerField(_("已用床位"), default=0)
    places_total = models.PositiveIntegerField(_("托位总数"), default=0)
    places_inclusive = models.PositiveIntegerField(_("普惠托位"), default=0)
    places_occupied = models.PositiveIntegerField(_("已用托位"), default=0)
    filing_number = models.CharField(_("备案号"), max_length=64, blank=True)
    filing_status = models.CharField(
        _("备案状态"), max_length=16, choices=FilingStatus.choices, default=FilingStatus.NOT_REQUIRED
    )
    licence_number = models.CharField(_("许可证号"), max_length=64, blank=True)
    licence_expiry = models.DateField(_("许可证有效期至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=FacilityStatus.choices, default=FacilityStatus.PLANNED
    )
    capacity_reported_at = models.DateTimeField(_("容量上报时间"), null=True, blank=True)
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("运营账号"), blank=True, related_name="operated_facilities"
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务设施")
        verbose_name_plural = _("服务设施")
        ordering = ["town_id", "name"]
        constraints = [
            # Re-import matches a facility by name within its town (import_facilities).
            models.UniqueConstraint(fields=["town", "name"], name="facilities_facility_unique_name_in_town"),
            models.CheckConstraint(
                condition=Q(beds_nursing__lte=F("beds_total")),
                name="facilities_facility_nursing_beds_le_total",
            ),
            models.CheckConstraint(
                condition=Q(beds_occupied__lte=F("beds_total")),
                name="facilities_facility_beds_occupied_le_total",
            ),
            models.CheckConstraint(
                condition=Q(places_inclusive__lte=F("places_total")),
                name="facilities_facility_inclusive_le_total",
            ),
            models.CheckConstraint(
                condition=Q(places_occupied__lte=F("places_total")),
                name="facilities_facility_places_occupied_le_total",
            ),
            models.CheckConstraint(
                condition=Q(canteen_subtype="") | Q(kind="elder_canteen"),
                name="facilities_facility_subtype_only_canteen",
            ),
        ]
        indexes = [
            # Staff lists filter by town and kind; the finder filters by kind and status.
            models.Index(fields=["town", "kind"], name="facilities_town_kind_idx"),
            models.Index(fields=["kind", "status"], name="facilities_kind_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:detail", args=[self.pk])

    @property
    def is_elder(self) -> bool:
        return self.kind in ELDER_KINDS

    @property
    def is_childcare(self) -> bool:
        return self.kind in CHILDCARE_KINDS

    @property
    def beds_vacant(self) -> int:
        return self.beds_total - self.beds_occupied

    @property
    def places_vacant(self) -> int:
        return self.places_total - self.places_occupied


class FacilityStatusChange(models.Model):
    """History of every status change of a facility and who made it."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("设施"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=FacilityStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=FacilityStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.CharField(_("原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.from_status} → {self.to_status}"
