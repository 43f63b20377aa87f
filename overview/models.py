"""Monthly indicator snapshots, indicator targets and the generated monthly reports."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IndicatorSnapshot(models.Model):
    """One indicator for one area (a town or the district) in one month.

    The current month is refreshed nightly; past months are kept as they were, so the trend stays
    true to what staff saw even after the underlying records change.
    """

    period = models.DateField(_("月份"), help_text=_("该月第一天"))
    indicator = models.CharField(_("指标"), max_length=48)
    area = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+"
    )
    numerator = models.DecimalField(_("分子"), max_digits=16, decimal_places=2)
    denominator = models.DecimalField(_("分母"), max_digits=16, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标快照")
        verbose_name_plural = _("指标快照")
        ordering = ["period", "indicator", "area_id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator", "area"], name="overview_snapshot_unique"),
            models.CheckConstraint(condition=Q(period__day=1), name="overview_snapshot_period_first_day"),
        ]
        indexes = [
            # The dashboard reads one period for all indicators, and one indicator's 12-month trend.
            models.Index(fields=["indicator", "area", "period"], name="overview_snapshot_trend_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.indicator} {self.area_id}: {self.value}"


class Comparator(models.TextChoices):
    AT_LEAST = "ge", _("不低于")
    AT_MOST = "le", _("不高于")


class IndicatorTarget(models.Model):
    """A target for one indicator (e.g. 托位 per 1,000 ≥ 4.5) with the amber band below it."""

    indicator = models.CharField(_("指标"), max_length=48, unique=True)
    comparator = models.CharField(
        _("比较"), max_length=2, choices=Comparator.choices, default=Comparator.AT_LEAST
    )
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)
    amber_margin = models.DecimalField(
        _("黄灯区间"),
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text=_("未达标但差距在此范围内显示黄灯；超出显示红灯。"),
    )
    source = models.CharField(_("依据"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")
        ordering = ["indicator"]
        constraints = [
            models.CheckConstraint(condition=Q(amber_margin__gte=0), name="overview_target_margin_positive")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.comparator} {self.target}"


class MonthlyReport(models.Model):
    """The generated XLSX of every indicator by town for one month, kept for download."""

    period = models.DateField(_("月份"), unique=True)
    file = models.FileField(_("文件"), upload_to="reports/")
    generated_at = models.DateTimeField(_("生成时间"), auto_now=True)

    class Meta:
        verbose_name = _("月度报表")
        verbose_name_plural = _("月度报表")
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"
