"""Staff qualifications (护理员/保育员/保健人员 certificates) of a facility."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet


class StaffRole(models.TextChoices):
    CAREGIVER = "caregiver", _("护理员")
    NURSERY_CAREGIVER = "nursery_caregiver", _("保育员")
    HEALTH_WORKER = "health_worker", _("保健人员")


class StaffQualificationQuerySet(ScopedQuerySet):
    scope_town_field = "facility__town"
    scope_facility_field = "facility"

    def valid_on(self, day):
        return self.filter(active=True, certificate_expiry__gte=day)


class StaffQualification(models.Model):
    """A staff member of a facility and their certificate (护理员/保育员/保健人员)."""

    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("设施"),
        on_delete=models.CASCADE,
        related_name="staff_qualifications",
    )
    name = models.CharField(_("姓名"), max_length=64)
    role = models.CharField(_("岗位"), max_length=24, choices=StaffRole.choices)
    certificate_number = models.CharField(_("证书编号"), max_length=64)
    certificate_expiry = models.DateField(_("证书有效期至"))
    active = models.BooleanField(_("在岗"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = StaffQualificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员资质")
        verbose_name_plural = _("人员资质")
        ordering = ["facility", "role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "certificate_number"], name="monitoring_staff_unique_certificate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"
