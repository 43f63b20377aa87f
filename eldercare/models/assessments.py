"""能力评估: the ability-assessment policy (GB/T 42195 grading rules as data), assessor qualifications,
recorded and signed assessments, and the per-town assessment coverage the nightly job keeps current."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet

from .. import standards
from ..standards import Combine, Grade


def _standard_maxima() -> dict[str, int]:
    return dict(standards.STANDARD_MAXIMA)


class AssessmentPolicyQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date) -> AssessmentPolicy | None:
        return self.filter(effective_from__lte=day).order_by("-effective_from").first()


class AssessmentPolicy(models.Model):
    """The grading rules in force from `effective_from` (STANDARDS §5 as data): the lowest total of
    grades 0–3, each item's highest score, how upward rules combine, the re-assessment interval and
    the grade from which a person counts as 失能. An assessment keeps the policy it was graded by."""

    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"), unique=True)
    grade0_min = models.PositiveSmallIntegerField(_("能力完好最低总分"), default=90)
    grade1_min = models.PositiveSmallIntegerField(_("轻度受损最低总分"), default=66)
    grade2_min = models.PositiveSmallIntegerField(_("中度受损最低总分"), default=46)
    grade3_min = models.PositiveSmallIntegerField(_("重度受损最低总分"), default=30)
    item_max = models.JSONField(_("各项目最高分"), default=_standard_maxima)
    combine = models.CharField(
        _("多项上调规则的合并方式"), max_length=16, choices=Combine.choices, default=Combine.ONE_LEVEL
    )
    risk_events_threshold = models.PositiveSmallIntegerField(_("近30天风险事件上调阈值（次）"), default=2)
    reassess_months = models.PositiveSmallIntegerField(_("复评间隔（月）"), default=12)
    disabled_min_grade = models.PositiveSmallIntegerField(
        _("失能起始等级"), choices=Grade.choices, default=Grade.MODERATE
    )
    ltc_min_grade = models.PositiveSmallIntegerField(
        _("长期护理保险导出起始等级"), choices=Grade.choices, default=Grade.SEVERE
    )
    note = models.TextField(_("说明"), blank=True)

    objects = AssessmentPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("能力评估政策")
        verbose_name_plural = _("能力评估政策")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade3_min__gt=0)
                & Q(grade2_min__gt=F("grade3_min"))
                & Q(grade1_min__gt=F("grade2_min"))
                & Q(grade0_min__gt=F("grade1_min")),
                name="%(app_label)s_%(class)s_bands_ordered",
            ),
            models.CheckConstraint(
                condition=Q(disabled_min_grade__gte=1, disabled_min_grade__lte=4),
                name="%(app_label)s_%(class)s_disabled_grade_1_4",
            ),
            models.CheckConstraint(
                condition=Q(reassess_months__gte=1) & Q(risk_events_threshold__gte=1),
                name="%(app_label)s_%(class)s_positive_intervals",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"

    def rules(self) -> standards.Rules:
        return standards.Rules(
            grade0_min=self.grade0_min,
            grade1_min=self.grade1_min,
            grade2_min=self.grade2_min,
            grade3_min=self.grade3_min,
            item_max={code: int(self.item_max[code]) for code in standards.ITEM_CODES},
            combine=self.combine,
            risk_events_threshold=self.risk_events_threshold,
            reassess_months=self.reassess_months,
            disabled_min_grade=self.disabled_min_grade,
        )


class AssessorQualificationQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> AssessorQualificationQuerySet:
        return self.filter(active=True, expires_on__gte=day)


class AssessorQualification(models.Model):
    """A staff account's 老年人能力评估员 certificate. Monitoring's `StaffQualification` records
    facility staff without accounts (护理员, 保育员), so assessors are kept here, by account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员账号"),
        on_delete=models.PROTECT,
        related_name="assessor_qualifications",
    )
    certificate_number = models.CharField(_("证书编号"), max_length=64, unique=True)
    expires_on = models.DateField(_("证书有效期至"))
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = AssessorQualificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("评估员资格")
        verbose_name_plural = _("评估员资格")
        ordering = ["user", "-expires_on"]
        indexes = [
            # access.is_assessor: one look-up per request by account.
            models.Index(fields=["user", "expires_on"], name="eldercare_assessor_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.certificate_number}"


class Place(models.TextChoices):
    HOME = "home", _("居家")
    FACILITY = "facility", _("养老机构")
    HOSPITAL = "hospital", _("医院")


class AssessmentQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = None  # operators never see the household registry's people

    def signed(self) -> AssessmentQuerySet:
        return self.filter(signed_at__isnull=False)


class Assessment(models.Model):
    """One GB/T 42195 assessment of a registered person by two assessors.

    Recorded by the first assessor (`assessor`) with the answers; the grade, dimension scores and
    reasons are computed by `standards.assess` under `policy` and stored. The second assessor signs
    it off; from then on the row never changes (a trigger refuses UPDATE and DELETE of signed rows,
    migration 0003): a correction is a new assessment that names the one it `corrects`.
    """

    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the resident when recorded: the scope and the per-town lists read it.
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField(_("评估日期"))
    place = models.CharField(_("评估地点"), max_length=16, choices=Place.choices)
    policy = models.ForeignKey(
        AssessmentPolicy, verbose_name=_("评估政策"), on_delete=models.PROTECT, related_name="+"
    )
    items = models.JSONField(_("各项目得分"))
    coma = models.BooleanField(_("昏迷"), default=False)
    dementia = models.BooleanField(_("确诊痴呆"), default=False)
    mental_disorder = models.BooleanField(_("确诊精神和行为障碍"), default=False)
    risk_events_30d = models.PositiveSmallIntegerField(_("近30天照护风险事件（次）"), default=0)
    self_care = models.PositiveSmallIntegerField(_("自理能力"))
    motor = models.PositiveSmallIntegerField(_("基础运动能力"))
    mental = models.PositiveSmallIntegerField(_("精神状态"))
    perception = models.PositiveSmallIntegerField(_("感知觉与社会参与"))
    total = models.PositiveSmallIntegerField(_("总分"))
    preliminary_grade = models.PositiveSmallIntegerField(_("初步等级"), choices=Grade.choices)
    final_grade = models.PositiveSmallIntegerField(_("最终等级"), choices=Grade.choices)
    reasons = models.JSONField(_("等级变更依据"), default=list, blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评估员"), on_delete=models.PROTECT, related_name="+"
    )
    second_assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核评估员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("复核签字时间"), null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的评估"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    notes = models.TextField(_("备注"), blank=True)
    # Made by the phone form when it opens; a form resent after a dropped connection carries the same
    # key, so the assessment is recorded once (services.assessment_record returns the existing one).
    client_key = models.UUIDField(_("表单编号"), null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("能力评估")
        verbose_name_plural = _("能力评估")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__lte=90) & Q(preliminary_grade__lte=4) & Q(final_grade__lte=4),
                name="%(app_label)s_%(class)s_ranges",
            ),
            models.CheckConstraint(
                condition=Q(total=F("self_care") + F("motor") + F("mental") + F("perception")),
                name="%(app_label)s_%(class)s_total_is_sum",
            ),
            models.CheckConstraint(
                condition=Q(final_grade__gte=F("preliminary_grade")),
                name="%(app_label)s_%(class)s_final_not_below_preliminary",
            ),
            # Signed means signed by someone else: both together or neither.
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True, second_assessor__isnull=True)
                | Q(signed_at__isnull=False, second_assessor__isnull=False),
                name="%(app_label)s_%(class)s_signed_by_second",
            ),
            models.CheckConstraint(
                condition=~Q(second_assessor=F("assessor")),
                name="%(app_label)s_%(class)s_two_assessors",
            ),
        ]
        indexes = [
            # selectors.latest_final_grade / to_assess: each person's latest signed assessment.
            models.Index(
                fields=["resident", "-assessed_on"],
                condition=Q(signed_at__isnull=False),
                name="eldercare_assess_latest_idx",
            ),
            # The sign-off queue per town.
            models.Index(
                fields=["town", "created_at"],
                condition=Q(signed_at__isnull=True),
                name="eldercare_assess_unsigned_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.assessed_on} {self.final_grade}"

    def get_absolute_url(self) -> str:
        return reverse("eldercare:assessment_detail", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def dimension_scores(self) -> dict[str, int]:
        return {"B.1": self.self_care, "B.2": self.motor, "B.3": self.mental, "B.4": self.perception}


class AssessmentCoverage(models.Model):
    """Per town and day: people 80+ in the register and how many have a valid (signed, not yet due)
    assessment (issue 20: counting them per request took 230 ms at district scale). One writer,
    `services.coverage_refresh`: nightly (Celery), for the town at each sign-off, after each household
    import and policy change, and on a day's first read (`coverage_ensure`). The eldercare page and the
    overview's "80岁以上能力评估覆盖率" read it."""

    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("统计日期"))
    aged80 = models.PositiveIntegerField(_("80岁以上人数"))
    assessed = models.PositiveIntegerField(_("有效评估人数"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("能力评估覆盖情况")
        verbose_name_plural = _("能力评估覆盖情况")
        ordering = ["-as_of", "town"]
        constraints = [
            models.UniqueConstraint(fields=["town", "as_of"], name="%(app_label)s_%(class)s_one_per_day"),
            models.CheckConstraint(
                condition=Q(assessed__lte=F("aged80")), name="%(app_label)s_%(class)s_assessed_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town_id} {self.as_of}: {self.assessed}/{self.aged80}"
