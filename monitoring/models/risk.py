"""Each facility's risk score and next due inspection date."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet


class RiskBand(models.TextChoices):
    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


class FacilityRiskQuerySet(ScopedQuerySet):
    scope_town_field = "facility__town"
    scope_facility_field = "facility"


class FacilityRisk(models.Model):
    """The latest risk score of a facility and the date it is next due for inspection.

    Rewritten in one statement by `services.risk_refresh`; the factors explain the score."""

    facility = models.OneToOneField(
        "facilities.Facility", verbose_name=_("设施"), on_delete=models.CASCADE, related_name="risk"
    )
    score = models.PositiveSmallIntegerField(_("风险分"))
    band = models.CharField(_("风险等级"), max_length=8, choices=RiskBand.choices)
    factors = models.JSONField(_("风险因素"), default=dict)
    last_inspected_on = models.DateField(_("上次检查"), null=True, blank=True)
    next_due_on = models.DateField(_("下次应检"))
    computed_at = models.DateTimeField(_("计算时间"))

    objects = FacilityRiskQuerySet.as_manager()

    class Meta:
        verbose_name = _("设施风险")
        verbose_name_plural = _("设施风险")
        ordering = ["next_due_on", "facility_id"]
        indexes = [
            # The due/overdue list per town sorts by the due date.
            models.Index(fields=["next_due_on"], name="monitoring_risk_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.score}"
