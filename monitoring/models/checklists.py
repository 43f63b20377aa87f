"""Checklist templates (versioned) and their items: what an inspection asks."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    FIRE_SAFETY = "fire_safety", _("消防安全")
    FOOD_SAFETY = "food_safety", _("食品安全")
    STAFFING = "staffing", _("人员配备与资质")
    FEES = "fees", _("收费")
    PRESCHOOLISATION = "preschoolisation", _("托育“小学化”")
    CAPACITY_REPORTING = "capacity_reporting", _("床位/托位上报")


class Severity(models.TextChoices):
    MINOR = "minor", _("一般")
    MAJOR = "major", _("较重")
    CRITICAL = "critical", _("严重")


class ChecklistTemplate(models.Model):
    """One version of a checklist for a topic and a set of facility kinds.

    A template is never edited once an inspection used it: a change is a new row with the same
    `code` and `version + 1`, so every inspection keeps the exact questions it was recorded against.
    """

    code = models.CharField(_("模板代码"), max_length=48)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=128)
    topic = models.CharField(_("检查主题"), max_length=32, choices=Topic.choices)
    kinds = ArrayField(models.CharField(max_length=32), verbose_name=_("适用设施类型"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查模板")
        verbose_name_plural = _("检查模板")
        ordering = ["topic", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="monitoring_template_code_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="monitoring_template_version_ge_1"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ChecklistItem(models.Model):
    """One question of a template version. A failed item becomes a finding of `severity`."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("检查内容"), max_length=255)
    basis = models.CharField(_("依据"), max_length=255, blank=True)
    weight = models.PositiveSmallIntegerField(_("分值"), default=10)
    severity = models.CharField(_("不合格时严重程度"), max_length=16, choices=Severity.choices)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="monitoring_item_position"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="monitoring_item_weight_ge_1"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"
