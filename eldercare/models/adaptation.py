"""适老化改造 (home adaptation, work plan 二(七)): the subsidy policy, the item catalogue, and each
home's case from application to acceptance with the items its needs assessment found."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet
from hechuan_portal.common.uploads import StoredUpload

from ..standards import Grade


class AdaptationPolicy(models.Model):
    """Who may have their home adapted and the subsidy: poor (低保/特困, when `poverty_required`) and
    at least partly disabled (latest grade ≥ `min_grade`); basic items subsidised up to
    `household_cap` per home, once unless `allow_repeat`."""

    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"), unique=True)
    household_cap = models.DecimalField(
        _("每户补贴上限（元）"), max_digits=10, decimal_places=2, default=3000
    )
    allow_repeat = models.BooleanField(_("允许同一户再次补贴"), default=False)
    min_grade = models.PositiveSmallIntegerField(_("最低能力等级"), choices=Grade.choices, default=Grade.MILD)
    poverty_required = models.BooleanField(_("限低保、特困老年人"), default=True)

    class Meta:
        verbose_name = _("适老化改造政策")
        verbose_name_plural = _("适老化改造政策")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household_cap__gte=0), name="%(app_label)s_%(class)s_cap_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AdaptationCategory(models.TextChoices):
    BATHROOM = "bathroom", _("如厕洗浴")
    FLOOR = "floor", _("地面防滑")
    MOBILITY = "mobility", _("通行与助行")
    SAFETY = "safety", _("安全监测")
    AIDS = "aids", _("辅助器具")


class AdaptationItem(models.Model):
    """One item of the adaptation catalogue: basic items are subsidised, optional ones self-paid."""

    code = models.CharField(_("编号"), max_length=16, unique=True)
    category = models.CharField(_("类别"), max_length=16, choices=AdaptationCategory.choices)
    name = models.CharField(_("名称"), max_length=100)
    basic = models.BooleanField(_("基础项目（补贴）"), default=True)
    unit_price = models.DecimalField(_("参考单价（元）"), max_digits=10, decimal_places=2)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("适老化改造项目")
        verbose_name_plural = _("适老化改造项目")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AdaptationStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    REFUSED = "refused", _("不符合条件")
    ASSESSED = "assessed", _("已评估需求")
    QUOTED = "quoted", _("已报价")
    WORKS = "works", _("施工中")
    ACCEPTED = "accepted", _("已验收")


class AdaptationCaseQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = None


class AdaptationCase(models.Model):
    """One home's adaptation: application → needs assessment → quote → works → acceptance, when the
    subsidy (basic items, up to the cap) is fixed and paid once."""

    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    policy = models.ForeignKey(
        AdaptationPolicy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=AdaptationStatus.choices, default=AdaptationStatus.APPLIED
    )
    applied_on = models.DateField(_("申请日期"))
    refusal_reason = models.CharField(_("不予受理原因"), max_length=32, blank=True)
    quote_total = models.DecimalField(
        _("报价合计（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    subsidy = models.DecimalField(_("补贴金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    self_paid = models.DecimalField(
        _("自付金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    works_started_on = models.DateField(_("开工日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = AdaptationCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("适老化改造")
        verbose_name_plural = _("适老化改造")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subsidy__isnull=True) | Q(subsidy__gte=0, self_paid__gte=0),
                name="%(app_label)s_%(class)s_amounts_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(subsidy__isnull=False, accepted_on__isnull=False),
                name="%(app_label)s_%(class)s_accepted_has_subsidy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.get_status_display()}"


class AdaptationLine(models.Model):
    """An item the needs assessment found, its quantity and quoted unit price."""

    case = models.ForeignKey(
        AdaptationCase, verbose_name=_("改造"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        AdaptationItem, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+"
    )
    basic = models.BooleanField(_("基础项目（补贴）"))
    quantity = models.PositiveSmallIntegerField(_("数量"), default=1)
    unit_price = models.DecimalField(_("单价（元）"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("改造项目明细")
        verbose_name_plural = _("改造项目明细")
        constraints = [
            models.UniqueConstraint(fields=["case", "item"], name="%(app_label)s_%(class)s_item_once"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="%(app_label)s_%(class)s_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("改造前")
    AFTER = "after", _("改造后")


class AdaptationPhoto(StoredUpload):
    """A before or after photo taken at the acceptance of the works (stored by its hash)."""

    case = models.ForeignKey(
        AdaptationCase, verbose_name=_("改造"), on_delete=models.CASCADE, related_name="photos"
    )
    stage = models.CharField(_("拍摄阶段"), max_length=8, choices=PhotoStage.choices)

    class Meta(StoredUpload.Meta):
        verbose_name = _("改造照片")
        verbose_name_plural = _("改造照片")
