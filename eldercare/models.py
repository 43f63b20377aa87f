"""Elder care: the ability-assessment policy, assessor qualifications, recorded assessments and the
per-town assessment coverage the nightly job keeps current."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet

from . import standards
from .standards import Combine, Grade


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
    assessment. Written by `services.coverage_refresh` (the nightly Celery job) in one statement; the
    dashboard's "80岁以上能力评估覆盖率" reads it."""

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


# --- home adaptation (适老化改造, work plan 二(七)) -------------------------------------------------


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


# --- family care beds (家庭养老床位, work plan 二(七)) ----------------------------------------------


class CareBedPolicy(models.Model):
    """Family care beds: for elders whose latest grade is at least `min_grade`; a bed's month is
    claimed only when its services reach the monthly minimum (visits and hours)."""

    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"), unique=True)
    min_grade = models.PositiveSmallIntegerField(
        _("最低能力等级"), choices=Grade.choices, default=Grade.MODERATE
    )
    monthly_subsidy = models.DecimalField(
        _("每床每月补贴（元）"), max_digits=10, decimal_places=2, default=300
    )
    min_visits = models.PositiveSmallIntegerField(_("每月最少上门次数"), default=4)
    min_hours = models.DecimalField(_("每月最少服务时长（小时）"), max_digits=6, decimal_places=1, default=8)

    class Meta:
        verbose_name = _("家庭养老床位政策")
        verbose_name_plural = _("家庭养老床位政策")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


class CareService(models.TextChoices):
    """The catalogue of home services a provider records against a bed."""

    PERSONAL_CARE = "personal_care", _("生活照料")
    NURSING = "nursing", _("基础护理")
    HEALTH = "health", _("健康管理")
    REHAB = "rehab", _("康复服务")
    COMFORT = "comfort", _("精神慰藉")
    MONITORING = "monitoring", _("安全监护")


class CareBedStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    REFUSED = "refused", _("不符合条件")
    ELIGIBLE = "eligible", _("符合条件")
    AGREED = "agreed", _("已签约")
    ACTIVE = "active", _("已建床")
    ENDED = "ended", _("已撤床")


class CareBedQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = "provider"


class CareBed(models.Model):
    """A family care bed: application (recorded by the community) → eligibility → agreement with a
    provider facility → set-up visit at home (location) → monthly service records → monthly claims."""

    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("服务机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=CareBedStatus.choices, default=CareBedStatus.APPLIED
    )
    applied_on = models.DateField(_("申请日期"))
    grade = models.PositiveSmallIntegerField(
        _("申请时能力等级"), choices=Grade.choices, null=True, blank=True
    )
    refusal_reason = models.CharField(_("不予受理原因"), max_length=32, blank=True)
    agreement_on = models.DateField(_("签约日期"), null=True, blank=True)
    setup_on = models.DateField(_("建床日期"), null=True, blank=True)
    setup_location = models.PointField(_("建床位置"), geography=True, null=True, blank=True)
    setup_notes = models.TextField(_("建床情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CareBedQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭养老床位")
        verbose_name_plural = _("家庭养老床位")
        ordering = ["-applied_on", "-id"]
        constraints = [
            # One open bed per person: a new application only after a refusal or the end of the last.
            models.UniqueConstraint(
                fields=["resident"],
                condition=~Q(status__in=["refused", "ended"]),
                name="%(app_label)s_%(class)s_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(provider__isnull=False, setup_on__isnull=False),
                name="%(app_label)s_%(class)s_active_has_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.get_status_display()}"


class CareBedMonth(models.Model):
    """The provider's service record of one bed for one month."""

    bed = models.ForeignKey(CareBed, verbose_name=_("床位"), on_delete=models.PROTECT, related_name="months")
    month = models.DateField(_("月份"))
    visits = models.PositiveSmallIntegerField(_("上门次数"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=6, decimal_places=1)
    services = ArrayField(
        models.CharField(max_length=16, choices=CareService.choices), verbose_name=_("服务内容"), default=list
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("床位月度服务记录")
        verbose_name_plural = _("床位月度服务记录")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["bed", "month"], name="%(app_label)s_%(class)s_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="%(app_label)s_%(class)s_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.bed_id} {self.month:%Y-%m}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待镇街审核")
    REVIEWED = "reviewed", _("待区级审批")
    APPROVED = "approved", _("已审批")
    PAID = "paid", _("已发放")


class CareBedClaimQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = "bed__provider"


class CareBedClaim(models.Model):
    """The month's subsidy for one bed: built from service records that reach the minimum, reviewed
    by the town, approved by the district, paid in the month's roll."""

    bed = models.ForeignKey(CareBed, verbose_name=_("床位"), on_delete=models.PROTECT, related_name="claims")
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"))
    amount = models.DecimalField(_("补贴金额（元）"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("镇街审核人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("区级审批人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)

    objects = CareBedClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("床位补贴申领")
        verbose_name_plural = _("床位补贴申领")
        ordering = ["-month", "bed"]
        constraints = [
            models.UniqueConstraint(fields=["bed", "month"], name="%(app_label)s_%(class)s_once_per_month"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False),
                name="%(app_label)s_%(class)s_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bed_id} {self.month:%Y-%m} {self.amount}"


# --- institution support (二(一)): guaranteed beds and placements -----------------------------------


class GuaranteedBeds(models.Model):
    """A public nursing home's guaranteed beds (兜底床位) for poor disabled elders: how many, and how
    many are taken (kept by the placement services with a conditional UPDATE, held by a constraint)."""

    facility = models.OneToOneField(
        "facilities.Facility", verbose_name=_("养老机构"), on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.PositiveIntegerField(_("兜底床位数"))
    used = models.PositiveIntegerField(_("已安置"), default=0)

    class Meta:
        verbose_name = _("兜底床位")
        verbose_name_plural = _("兜底床位")
        ordering = ["facility"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used__lte=F("capacity")), name="%(app_label)s_%(class)s_used_le_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.used}/{self.capacity}"


class PlacementQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = "facility"


class Placement(models.Model):
    """An elder placed in a nursing home, on a guaranteed bed or not, from `start_on` to `end_on`."""

    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    facility = models.ForeignKey(
        "facilities.Facility", verbose_name=_("养老机构"), on_delete=models.PROTECT, related_name="+"
    )
    guaranteed = models.BooleanField(_("占用兜底床位"), default=True)
    start_on = models.DateField(_("入住日期"))
    end_on = models.DateField(_("离院日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("机构安置")
        verbose_name_plural = _("机构安置")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(end_on__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} @ {self.facility_id}"
