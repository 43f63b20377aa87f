"""Inspections, their answers and photos."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet
from hechuan_portal.common.uploads import StoredUpload

from .checklists import ChecklistItem, ChecklistTemplate
from .plans import InspectionPlan


class InspectionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("待检查")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class InspectionResult(models.TextChoices):
    PASS = "pass", _("合格")
    RECTIFY = "rectify", _("限期整改")
    FAIL = "fail", _("不合格")


class LocationCheck(models.TextChoices):
    OK = "ok", _("位置相符")
    TOO_FAR = "too_far", _("距离过远")
    MISSING = "missing", _("未获取定位")


class InspectionQuerySet(ScopedQuerySet):
    scope_town_field = "facility__town"
    scope_facility_field = "facility"

    def completed(self):
        return self.filter(status=InspectionStatus.COMPLETED)


class Inspection(models.Model):
    """One inspection of one facility against one template version."""

    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("计划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    facility = models.ForeignKey(
        "facilities.Facility", verbose_name=_("设施"), on_delete=models.PROTECT, related_name="inspections"
    )
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("检查模板"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人员"),
        related_name="monitoring_inspections",
        blank=True,
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.SCHEDULED
    )
    due_on = models.DateField(_("计划检查日期"))
    inspected_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    device_location = models.PointField(_("检查时定位"), srid=4326, geography=True, null=True, blank=True)
    location_accuracy_m = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("距设施距离（米）"), null=True, blank=True)
    location_check = models.CharField(_("定位核验"), max_length=16, choices=LocationCheck.choices, blank=True)
    location_note = models.CharField(_("定位说明"), max_length=255, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    result = models.CharField(_("结论"), max_length=16, choices=InspectionResult.choices, blank=True)
    notes = models.TextField(_("检查意见"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["-due_on", "-id"]
        constraints = [
            # A completed inspection always carries its result, score and location verdict.
            models.CheckConstraint(
                condition=~Q(status="completed")
                | (
                    Q(inspected_at__isnull=False, score__isnull=False) & ~Q(result="") & ~Q(location_check="")
                ),
                name="monitoring_inspection_completed_has_result",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="monitoring_inspection_score_0_100",
            ),
            # A flagged location is never silently accepted: it needs the inspector's explanation.
            models.CheckConstraint(
                condition=~Q(location_check="too_far") | ~Q(location_note=""),
                name="monitoring_inspection_far_needs_note",
            ),
            models.UniqueConstraint(
                fields=["plan", "facility"],
                condition=Q(plan__isnull=False),
                name="monitoring_inspection_plan_facility",
            ),
        ]
        indexes = [
            # The public page and the risk refresh read each facility's latest completed inspection.
            models.Index(fields=["facility", "status", "-inspected_at"], name="monitoring_insp_latest_idx"),
            # The dashboard's next scheduled inspections (status, then due date): read in index order
            # instead of joining 16,000 scheduled rows to their facilities and sorting (issue 20).
            models.Index(fields=["status", "due_on", "id"], name="monitoring_insp_due_idx"),
            # The inspection list, latest due first (read backwards): 50,000 rows were sorted a page.
            models.Index(fields=["due_on", "id"], name="monitoring_insp_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} · {self.template}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:inspection_detail", args=[self.pk])


class Answer(models.TextChoices):
    YES = "yes", _("符合")
    NO = "no", _("不符合")
    NA = "na", _("不适用")


class InspectionAnswer(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(_("结果"), max_length=8, choices=Answer.choices)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["inspection", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="monitoring_answer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.answer}"


class InspectionPhoto(StoredUpload):
    """A photo taken during an inspection."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="photos"
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("检查项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(StoredUpload.Meta):
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        constraints = [
            *StoredUpload.Meta.constraints,
            models.UniqueConstraint(fields=["inspection", "sha256"], name="monitoring_photo_unique_hash"),
        ]
