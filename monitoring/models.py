"""监管与探访: checklist inspections with a rectification loop, staff qualifications, risk-based
scheduling, and visits to elders in special difficulty (探访关爱)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet


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


def photo_path(instance, filename: str) -> str:
    # Content-addressed: the stored name is the hash, so a file cannot be swapped unnoticed.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"monitoring/{instance.sha256[:2]}/{instance.sha256}.{ext}"


class StoredUpload(models.Model):
    """A file stored under MEDIA_ROOT at a path made of its SHA-256, with who sent it and when."""

    file = models.FileField(_("文件"), upload_to=photo_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=32)
    received_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="%(app_label)s_%(class)s_sha256"
            ),
        ]

    def __str__(self) -> str:
        return self.sha256


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


class FindingTransition(models.Model):
    """Who moved a finding from one status to another, when, and why. Append-only by convention:
    only `services.finding_transition` writes here."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("整改事项"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=FindingStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=FindingStatus.choices)
    action = models.CharField(_("动作"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.CharField(_("原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("整改状态变更")
        verbose_name_plural = _("整改状态变更")
        ordering = ["at", "id"]

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


class VisitMethod(models.TextChoices):
    HOME = "home", _("上门")
    PHONE = "phone", _("电话")
    VIDEO = "video", _("视频")
    OTHER = "other", _("其他")


class ElderCondition(models.TextChoices):
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")
    CRITICAL = "critical", _("危重")


class Need(models.TextChoices):
    MEALS = "meals", _("助餐")
    BATHING = "bathing", _("助浴")
    CLEANING = "cleaning", _("助洁")
    MEDICAL = "medical", _("就医")
    ADAPTATION = "adaptation", _("适老化改造")
    PSYCHOLOGICAL = "psychological", _("精神慰藉")
    FINANCIAL = "financial", _("经济困难")
    CARE = "care", _("照护")


class Referral(models.TextChoices):
    CANTEEN = "canteen", _("老年食堂")
    BATHING = "bathing", _("助浴服务")
    ADAPTATION = "adaptation", _("居家适老化改造")
    DAY_CARE = "day_care", _("日间照料")
    NURSING_HOME = "nursing_home", _("养老机构")
    MEDICAL = "medical", _("医疗机构")
    SOCIAL_ASSISTANCE = "social_assistance", _("社会救助")


class WelfareVisitQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = None  # operators never see visits to elders


class WelfareVisit(models.Model):
    """探访关爱: one visit to an elder in special difficulty. Town/community are copied from the
    resident when recorded, so rates per month stay where the visit was made."""

    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("老年人"),
        on_delete=models.PROTECT,
        related_name="welfare_visits",
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("村社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    visited_on = models.DateField(_("探访日期"))
    method = models.CharField(_("探访方式"), max_length=16, choices=VisitMethod.choices)
    condition = models.CharField(_("老人状况"), max_length=16, choices=ElderCondition.choices)
    needs = ArrayField(
        models.CharField(max_length=24, choices=Need.choices),
        verbose_name=_("发现需求"),
        default=list,
        blank=True,
    )
    referrals = ArrayField(
        models.CharField(max_length=24, choices=Referral.choices),
        verbose_name=_("转介服务"),
        default=list,
        blank=True,
    )
    notes = models.TextField(_("情况记录"), blank=True)
    next_due_on = models.DateField(_("下次探访日期"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("探访人"), on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = WelfareVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("探访记录")
        verbose_name_plural = _("探访记录")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_due_on__gt=F("visited_on")), name="monitoring_visit_next_after"
            ),
        ]
        indexes = [
            # The due list reads each resident's latest visit; the rates group a month by area.
            models.Index(fields=["resident", "-visited_on"], name="monitoring_visit_latest_idx"),
            models.Index(fields=["town", "visited_on"], name="monitoring_visit_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.visited_on}"
