"""Health screening (医育结合): scheduled check-ups of enrolled children and the follow-ups they call
for. Screening data of minors: see `ScreeningQuerySet` for who sees it."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet, scope_for, scope_q

from .enrolment import Child


class ScreeningQuerySet(ScopedQuerySet):
    """Screening data of minors: district staff, the childcare facility, the recording clinic and
    the facility's partner clinic (which must see the due check-ups to do them). There is no town
    rule: town officers and auditors see nothing. The scope rule is the one of `accounts/scope.py`,
    applied to each of the three facility paths."""

    scope_town_field = None
    # Operators see a row through any of these facilities (ScopedQuerySet takes one path only).
    scope_facility_fields = ("facility", "clinic", "facility__childcare_profile__partner_clinic")

    def visible_to(self, user):
        scope = scope_for(user)
        filters = [
            scope_q(scope, town_field=None, facility_field=path) for path in self.scope_facility_fields
        ]
        if any(q is None for q in filters):
            return self
        # One row can reach an operator through more than one path.
        return self.filter(reduce(or_, filters)).distinct()


class ScreeningResult(models.TextChoices):
    PASS = "pass", _("通过")
    REFER = "refer", _("未通过（转诊）")


class MeasuringPosition(models.TextChoices):
    """How the length/height was measured (WHO: lying through day 730, standing from day 731; the
    other position is adjusted by 0.7 cm, `standards.length_for_tables`)."""

    LYING = "lying", _("卧位（身长）")
    STANDING = "standing", _("立位（身高）")


class CheckupStatus(models.TextChoices):
    DUE = "due", _("待检查")
    DONE = "done", _("已完成")


class Checkup(models.Model):
    """One scheduled check-up of an enrolled child (STANDARDS §4) and, once done, its results."""

    child = models.ForeignKey(
        Child, verbose_name=_("幼儿"), on_delete=models.CASCADE, related_name="checkups"
    )
    facility = models.ForeignKey(
        "facilities.Facility", verbose_name=_("托育机构"), on_delete=models.PROTECT, related_name="+"
    )
    age_months = models.PositiveSmallIntegerField(_("月龄"))
    due_date = models.DateField(_("应检日期"))
    hearing_due = models.BooleanField(_("含听力筛查"), default=False)
    vision_due = models.BooleanField(_("含眼保健"), default=False)
    vision_checks_due = models.JSONField(_("应做眼部检查"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=CheckupStatus.choices, default=CheckupStatus.DUE
    )
    clinic = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("检查机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    performed_on = models.DateField(_("检查日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    hearing = models.CharField(_("听力"), max_length=8, choices=ScreeningResult.choices, blank=True)
    vision = models.CharField(_("视力/眼部"), max_length=8, choices=ScreeningResult.choices, blank=True)
    vision_checks_done = models.JSONField(_("已做眼部检查"), default=list, blank=True)
    length_cm = models.DecimalField(
        _("身长/身高（厘米）"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    measured_position = models.CharField(
        _("测量体位"), max_length=8, choices=MeasuringPosition.choices, blank=True
    )
    weight_kg = models.DecimalField(_("体重（千克）"), max_digits=5, decimal_places=2, null=True, blank=True)
    head_cm = models.DecimalField(_("头围（厘米）"), max_digits=4, decimal_places=1, null=True, blank=True)
    z_wfa = models.DecimalField(_("年龄别体重Z值"), max_digits=5, decimal_places=2, null=True, blank=True)
    z_lhfa = models.DecimalField(
        _("年龄别身长/身高Z值"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    z_wflh = models.DecimalField(
        _("身长/身高别体重Z值"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    z_hcfa = models.DecimalField(_("年龄别头围Z值"), max_digits=5, decimal_places=2, null=True, blank=True)
    underweight = models.CharField(_("低体重"), max_length=8, blank=True)
    stunting = models.CharField(_("生长迟缓"), max_length=8, blank=True)
    wasting = models.CharField(_("消瘦"), max_length=8, blank=True)
    overweight = models.BooleanField(_("超重"), default=False)
    # Free-text remarks of the clinic are the most revealing part: encrypted at rest.
    notes_cipher = models.BinaryField(_("备注（密文）"), null=True, editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("健康检查")
        verbose_name_plural = _("健康检查")
        ordering = ["child_id", "age_months"]
        constraints = [
            models.UniqueConstraint(fields=["child", "age_months"], name="childcare_checkup_unique_age"),
            models.CheckConstraint(
                condition=Q(status="due") | Q(performed_on__isnull=False, clinic__isnull=False),
                name="childcare_checkup_done_has_clinic",
            ),
        ]
        indexes = [
            # Overdue lists: open check-ups by due date, per facility.
            models.Index(fields=["status", "due_date", "facility"], name="childcare_checkup_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.child} · {self.age_months}"


class FollowUpReason(models.TextChoices):
    HEARING_REFER = "hearing_refer", _("听力筛查未通过")
    VISION_REFER = "vision_refer", _("眼保健检查未通过")
    UNDERWEIGHT = "underweight", _("低体重")
    STUNTING = "stunting", _("生长迟缓")
    WASTING = "wasting", _("消瘦")
    HEAD_CIRCUMFERENCE = "head_circumference", _("头围偏小")


class FollowUp(models.Model):
    """A re-screening or referral a check-up called for, due by a date."""

    checkup = models.ForeignKey(
        Checkup, verbose_name=_("健康检查"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    child = models.ForeignKey(
        Child, verbose_name=_("幼儿"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    facility = models.ForeignKey(
        "facilities.Facility", verbose_name=_("托育机构"), on_delete=models.PROTECT, related_name="+"
    )
    clinic = models.ForeignKey(
        "facilities.Facility", verbose_name=_("检查机构"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=24, choices=FollowUpReason.choices)
    due_date = models.DateField(_("随访截止"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("随访")
        verbose_name_plural = _("随访")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["checkup", "reason"], name="childcare_followup_unique_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.child} · {self.get_reason_display()}"
