"""Inspection plans, the 双随机 draw log and declared inspector conflicts (回避)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet

from .checklists import Topic


class PlanKind(models.TextChoices):
    ROUTINE = "routine", _("日常检查")
    RANDOM = "random", _("双随机抽查")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DRAWN = "drawn", _("已抽取")
    CLOSED = "closed", _("已结束")


class InspectionPlanQuerySet(ScopedQuerySet):
    # A district-wide plan (town null) is seen only by district roles: officers see their town's.
    scope_town_field = "town"
    scope_facility_field = None


class InspectionPlan(models.Model):
    """A round of inspections. A 双随机 plan draws its targets and inspectors once, from a seed."""

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=16, choices=PlanKind.choices, default=PlanKind.RANDOM)
    topic = models.CharField(_("检查主题"), max_length=32, choices=Topic.choices)
    town = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("镇街（空为全区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    facility_kinds = ArrayField(
        models.CharField(max_length=32), verbose_name=_("设施类型"), default=list, blank=True
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    sample_rate = models.DecimalField(_("一般抽查比例"), max_digits=4, decimal_places=3, default=0.2)
    high_risk_rate = models.DecimalField(_("高风险抽查比例"), max_digits=4, decimal_places=3, default=0.5)
    inspectors_per_target = models.PositiveSmallIntegerField(_("每家检查人数"), default=2)
    status = models.CharField(_("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = InspectionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查计划")
        verbose_name_plural = _("检查计划")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="monitoring_plan_dates",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                condition=Q(
                    sample_rate__gt=0, sample_rate__lte=1, high_risk_rate__gt=0, high_risk_rate__lte=1
                ),
                name="monitoring_plan_rates",
                violation_error_message=_("抽查比例应大于 0 且不超过 1。"),
            ),
            models.CheckConstraint(
                condition=Q(inspectors_per_target__gte=1),
                name="monitoring_plan_inspectors_ge_1",
                violation_error_message=_("每家至少一名检查人员。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("monitoring:plan_detail", args=[self.pk])


class PlanDraw(models.Model):
    """The draw log of a 双随机 plan: the seed, the exact inputs and the result, so anyone can
    re-run `rules.draw` and get the same targets and inspectors."""

    plan = models.OneToOneField(
        InspectionPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="draw"
    )
    seed = models.BigIntegerField(_("随机种子"))
    inputs = models.JSONField(_("抽取输入"))
    result = models.JSONField(_("抽取结果"))
    log = models.JSONField(_("抽取日志"), default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽取记录")
        verbose_name_plural = _("抽取记录")

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.seed}"


class InspectorConflict(models.Model):
    """A declared link (亲属、曾任职…) that excludes an inspector from drawing a facility (回避)."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), on_delete=models.CASCADE, related_name="+"
    )
    facility = models.ForeignKey(
        "facilities.Facility", verbose_name=_("设施"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("回避原因"), max_length=255)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "facility"], name="monitoring_conflict_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.inspector_id} ↔ {self.facility_id}"
