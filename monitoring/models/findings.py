"""Findings (问题整改), their status history and the evidence of the fix."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet
from hechuan_portal.common.transitions import TransitionLog
from hechuan_portal.common.uploads import StoredUpload

from .checklists import ChecklistItem, Severity
from .inspections import Inspection


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    SUBMITTED = "submitted", _("整改待验收")
    RETURNED = "returned", _("退回重改")
    ESCALATED = "escalated", _("逾期上报")
    CLOSED = "closed", _("已销号")


class FindingQuerySet(ScopedQuerySet):
    scope_town_field = "facility__town"
    scope_facility_field = "facility"

    def unresolved(self):
        return self.exclude(status=FindingStatus.CLOSED)


class Finding(models.Model):
    """A failed checklist item to be rectified by a deadline. Status moves only through
    `rules.finding_transition`; every move is logged in `FindingTransition`."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="findings"
    )
    # Denormalised from the inspection: scope and the per-facility risk counts read it directly.
    facility = models.ForeignKey(
        "facilities.Facility", verbose_name=_("设施"), on_delete=models.PROTECT, related_name="findings"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("问题描述"), max_length=500)
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="monitoring_finding_unique_item"),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="monitoring_finding_closed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="escalated") | Q(escalated_at__isnull=False),
                name="monitoring_finding_escalated_at",
            ),
        ]
        indexes = [
            # The overdue sweep and the district list: unresolved findings by deadline.
            models.Index(fields=["status", "deadline"], name="monitoring_finding_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} · {self.description[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:finding_detail", args=[self.pk])


class FindingTransition(TransitionLog):
    """A finding's status history (the shared `TransitionLog` shape plus the state-machine action).
    Append-only: only the findings services write here, in the transaction that moves the status."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("整改事项"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=FindingStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=FindingStatus.choices)
    action = models.CharField(_("动作"), max_length=16)

    class Meta(TransitionLog.Meta):
        verbose_name = _("整改状态变更")
        verbose_name_plural = _("整改状态变更")

    def __str__(self) -> str:
        return f"{self.finding_id}: {self.from_status} → {self.to_status}"


class FindingEvidence(StoredUpload):
    """A file the operator uploads to show the fix (photo or PDF)."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("整改事项"), on_delete=models.CASCADE, related_name="evidence"
    )
    note = models.CharField(_("整改说明"), max_length=500, blank=True)

    class Meta(StoredUpload.Meta):
        verbose_name = _("整改材料")
        verbose_name_plural = _("整改材料")
