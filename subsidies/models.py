"""高龄津贴 (senior age allowance, 免申即享): policy as data, grants with their decisions, payment rolls.

The nightly match (`matching.py`) is the only automatic writer of grants, payment lines and
overpayments; staff write policies, manual decisions and roll closures through `services.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet


class TierCategory(models.TextChoices):
    NONE = "", _("不限")
    DIBAO = "dibao", _("低保")
    TEKUN = "tekun", _("特困")


# The rule codes the match and staff record, as people read them (STANDARDS §6).
RULE_LABELS = {
    "age_tier": _("年龄达到档次（第6条第2款）"),
    "below_age": _("未达到档次年龄（第6条第2款）"),
    "deceased": _("死亡，当月发放、次月起停发（第6条第1款）"),
    "moved_out": _("迁出，当月发放、次月起停发（第6条第1款）"),
    "outside_district": _("户籍不在本区（第6条第1款）"),
    "away": _("迁出期间，不发放（第6条第7款）"),
    "suspected_duplicate": _("疑似身份证号更正（姓名、性别、住址与在领人员相同），待人工复核（第6条第8款）"),
    "manual": _("人工决定"),
}


class AllowancePolicy(models.Model):
    """A set of tiers in force from `effective_from` (the first day of a month) until the next policy."""

    name = models.CharField(_("政策名称"), max_length=100)
    effective_from = models.DateField(
        _("生效月份"), unique=True, help_text=_("每月1日；自该月起按本政策计发。")
    )
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("津贴政策")
        verbose_name_plural = _("津贴政策")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_from__day=1), name="subsidies_allowancepolicy_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from:%Y-%m}）"


class AllowanceTier(models.Model):
    """Age band → monthly amount, optionally only for people in a category (低保/特困).

    When several tiers fit a person, the one with the highest amount applies (one tier per month).
    """

    policy = models.ForeignKey(
        AllowancePolicy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="tiers"
    )
    code = models.CharField(_("档次代码"), max_length=32, help_text=_("跨政策标识同一档次，如 80-89。"))
    label = models.CharField(_("档次"), max_length=64)
    min_age = models.PositiveSmallIntegerField(_("起始年龄"))
    max_age = models.PositiveSmallIntegerField(_("截止年龄"), null=True, blank=True)
    category = models.CharField(
        _("附加条件"), max_length=16, choices=TierCategory.choices, blank=True, default=""
    )
    monthly_amount = models.DecimalField(_("每月金额（元）"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("津贴档次")
        verbose_name_plural = _("津贴档次")
        ordering = ["policy", "min_age", "category"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="subsidies_allowancetier_unique_code"),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__gte=models.F("min_age")),
                name="subsidies_allowancetier_age_band",
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0), name="subsidies_allowancetier_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ¥{self.monthly_amount}"


class AllowanceConfig(models.Model):
    """Singleton (pk 1) of editable settings: the arrears cap (STANDARDS §6.4, default 12 months)."""

    arrears_cap_months = models.PositiveSmallIntegerField(_("补发最多月数"), default=12)

    class Meta:
        verbose_name = _("津贴参数")
        verbose_name_plural = _("津贴参数")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="subsidies_allowanceconfig_singleton"),
            models.CheckConstraint(
                condition=Q(arrears_cap_months__gte=1), name="subsidies_allowanceconfig_cap_min"
            ),
        ]

    def __str__(self) -> str:
        return str(_("津贴参数"))

    @classmethod
    def current(cls) -> "AllowanceConfig":
        return cls.objects.get_or_create(pk=1)[0]


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
    INTERRUPTED = "interrupted", _("中断")
    SKIPPED = "skipped", _("已跳过（另一次运行中）")


class RunMode(models.TextChoices):
    FULL = "full", _("全量")
    INCREMENTAL = "incremental", _("增量")


class DistrictOnlyQuerySet(ScopedQuerySet):
    """District-wide rows (runs, rolls): no town and no facility, so only district roles see them."""

    scope_town_field = None
    scope_facility_field = None


class MatchRun(models.Model):
    """One matching run: when, for which date, how, and what it decided (counts by outcome)."""

    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    as_of = models.DateField(_("匹配日期"))
    mode = models.CharField(_("方式"), max_length=16, choices=RunMode.choices, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    trigger = models.CharField(_("触发方式"), max_length=32, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    fingerprint = models.CharField(_("政策指纹"), max_length=32, blank=True)
    since = models.DateTimeField(_("增量起点"), null=True, blank=True)
    examined = models.PositiveIntegerField(_("检查人数"), default=0)
    counts = models.JSONField(_("结果统计"), default=dict, blank=True)
    message = models.TextField(_("说明"), blank=True)

    objects = DistrictOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("匹配运行")
        verbose_name_plural = _("匹配运行")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.as_of} {self.get_status_display()}"


class GrantStatus(models.TextChoices):
    NONE = "none", _("未享受")
    ACTIVE = "active", _("享受中")
    SUSPENDED = "suspended", _("暂停")
    TERMINATED = "terminated", _("终止")


class ReviewStatus(models.TextChoices):
    NONE = "", _("无")
    REQUESTED = "requested", _("待复核")
    DECIDED = "decided", _("已人工决定")


class GrantQuerySet(ScopedQuerySet):
    scope_town_field = "town"  # the resident's town, copied by the database (`TOWN_FROM_RESIDENT`)
    scope_facility_field = None


def _town_copy() -> models.ForeignKey:
    """The resident's town on a grant or decision row (issue 20: the dashboard grouped 65,000 grants
    by their town through a join to the 1.5 million-row register, 1.4 s). Never written by the
    application: a trigger (migration 0008) sets it from the resident on every insert and on a change
    of resident, and `services.towns_follow_register` moves it after each household import, the only
    way a resident changes town."""
    return models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("镇街"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )


class AllowanceGrant(models.Model):
    """A person's allowance: status, current tier and the months it covers.

    `manual` grants were decided by staff and are never changed by the job (STANDARDS §6, issue 4).
    `end_month` is the last payable month (the month of death or moving out).
    """

    resident = models.OneToOneField(
        "residents.Resident", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="allowance"
    )
    town = _town_copy()
    status = models.CharField(_("状态"), max_length=16, choices=GrantStatus.choices, default=GrantStatus.NONE)
    tier_code = models.CharField(_("档次代码"), max_length=32, blank=True)
    tier_label = models.CharField(_("档次"), max_length=64, blank=True)
    monthly_amount = models.DecimalField(
        _("每月金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    start_month = models.DateField(_("起始月份"), null=True, blank=True)
    end_month = models.DateField(_("截止月份"), null=True, blank=True)
    rule = models.CharField(_("依据规则"), max_length=32, blank=True)
    manual = models.BooleanField(_("人工决定"), default=False)
    review_status = models.CharField(
        _("复核状态"), max_length=16, choices=ReviewStatus.choices, blank=True, default=""
    )
    review_note = models.TextField(_("复核说明"), blank=True)
    review_requested_at = models.DateTimeField(_("申请复核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    last_run = models.ForeignKey(
        MatchRun,
        verbose_name=_("最近匹配"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("高龄津贴资格")
        verbose_name_plural = _("高龄津贴资格")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="active") | Q(monthly_amount__isnull=False, start_month__isnull=False),
                name="subsidies_allowancegrant_active_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | Q(end_month__isnull=False),
                name="subsidies_allowancegrant_terminated_has_end",
            ),
        ]
        indexes = [
            # The review queue and the dashboards filter by these.
            models.Index(fields=["review_status"], name="subsidies_grant_review_idx"),
            models.Index(fields=["status", "tier_code"], name="subsidies_grant_status_idx"),
            # subsidies.matching._build_targets, nightly run: grants changed since the last run (issue 9).
            models.Index(fields=["updated_at"], name="subsidies_grant_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.get_status_display()}"

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS.get(self.rule, self.rule))


class DecisionKind(models.TextChoices):
    GRANT = "grant", _("新增发放")
    TIER_CHANGE = "tier_change", _("调整档次")
    SUSPEND = "suspend", _("暂停")
    TERMINATE = "terminate", _("终止")
    REINSTATE = "reinstate", _("恢复发放")
    REVIEW_REQUESTED = "review_requested", _("申请人工复核")
    MANUAL = "manual", _("人工决定")
    AUTOMATIC = "automatic", _("恢复自动匹配")


class DecisionQuerySet(ScopedQuerySet):
    scope_town_field = "town"  # copied from the resident by the database, like the grant's
    scope_facility_field = None


class AllowanceDecision(models.Model):
    """Why a grant changed: the rule, the data it used (no ID number) and the dates."""

    grant = models.ForeignKey(
        AllowanceGrant, verbose_name=_("资格"), on_delete=models.CASCADE, related_name="decisions"
    )
    # No index of its own: subsidies_decision_person_idx (resident, decided_at) serves every look-up
    # by person, and each index is one more write per decision in the match (issue 9).
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    town = _town_copy()
    run = models.ForeignKey(
        MatchRun, verbose_name=_("匹配运行"), on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(_("决定"), max_length=32, choices=DecisionKind.choices)
    rule = models.CharField(_("依据规则"), max_length=32, blank=True)
    old_status = models.CharField(_("原状态"), max_length=16, blank=True)
    new_status = models.CharField(_("新状态"), max_length=16, blank=True)
    data = models.JSONField(_("所用数据"), default=dict, blank=True)
    as_of = models.DateField(_("匹配日期"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.TextField(_("说明"), blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("津贴决定记录")
        verbose_name_plural = _("津贴决定记录")
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["resident", "decided_at"], name="subsidies_decision_person_idx"),
            # The dashboard's "this month's match decisions per town" (issue 20) read from the index
            # alone: a heap scan of the wide rows (their JSON) took 60–150 ms at 65,000 decisions.
            models.Index(
                fields=["decided_at"],
                include=["town", "kind", "new_status"],
                condition=Q(run__isnull=False),
                name="subsidies_decision_month_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.rule}"

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS.get(self.rule, self.rule))


class PeriodStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CLOSED = "closed", _("已关闭")


class PayrollPeriod(models.Model):
    """The payment roll (发放名册) of one month; frozen once closed. The first closed month is the baseline."""

    month = models.DateField(_("月份"), unique=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("关闭人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    line_count = models.PositiveIntegerField(_("人次"), default=0)
    total_amount = models.DecimalField(_("总金额（元）"), max_digits=14, decimal_places=2, default=0)

    objects = DistrictOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("发放名册")
        verbose_name_plural = _("发放名册")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="subsidies_payrollperiod_first_of_month"),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="subsidies_payrollperiod_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class LineKind(models.TextChoices):
    NORMAL = "normal", _("正常")
    ARREARS = "arrears", _("补发")


class PaymentLineQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = None


class PaymentLine(models.Model):
    """One person paid for one month, in one roll. A person is paid at most once per month."""

    # The three foreign keys carry no index of their own: every query on lines starts from the
    # period (subsidies_line_period_town_idx: period, town, kind) or from the person
    # (subsidies_paymentline_once_per_month: resident, month). Four fewer index writes per line in
    # the match's first run: 8.2 → 6.9 s at 1.5 million residents (issue 9).
    period = models.ForeignKey(
        PayrollPeriod,
        verbose_name=_("发放名册"),
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,
    )
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    town = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("镇街"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    month = models.DateField(_("月份"))
    tier_code = models.CharField(_("档次代码"), max_length=32)
    tier_label = models.CharField(_("档次"), max_length=64)
    amount = models.DecimalField(_("金额"), max_digits=10, decimal_places=2)
    kind = models.CharField(_("类型"), max_length=16, choices=LineKind.choices)
    # STANDARDS §6 rule 10: what the bank file shows of the person, frozen when the roll closes
    # (`services.payroll_close`), so exporting a closed roll gives the same file whatever the
    # register says later. Empty on the lines of a draft roll, whose export reads the register.
    id_cipher = models.BinaryField(_("身份证号（密文）"), null=True, editable=False)
    name = models.CharField(_("姓名"), max_length=64, blank=True, db_default="")
    hukou_code = models.CharField(_("户籍地区划代码"), max_length=12, blank=True, db_default="")

    objects = PaymentLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("发放明细")
        verbose_name_plural = _("发放明细")
        ordering = ["period", "town", "resident", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "month"], name="subsidies_paymentline_once_per_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="subsidies_paymentline_first_of_month"),
        ]
        indexes = [
            # Roll totals and the per-town dashboard.
            models.Index(fields=["period", "town", "kind"], name="subsidies_line_period_town_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.month:%Y-%m} {self.amount}"


class OverpaymentStatus(models.TextChoices):
    OPEN = "open", _("待追回")
    RECOVERED = "recovered", _("已追回")
    WAIVED = "waived", _("已核销")


class OverpaymentQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = None


class Overpayment(models.Model):
    """A closed-roll payment for a month after the person's death or move-out month (STANDARDS §6.5)."""

    line = models.OneToOneField(
        PaymentLine, verbose_name=_("发放明细"), on_delete=models.PROTECT, related_name="overpayment"
    )
    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("镇街"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    month = models.DateField(_("月份"))
    amount = models.DecimalField(_("金额"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("原因"), max_length=16)
    status = models.CharField(
        _("状态"), max_length=16, choices=OverpaymentStatus.choices, default=OverpaymentStatus.OPEN
    )
    detected_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    run = models.ForeignKey(
        MatchRun, verbose_name=_("匹配运行"), on_delete=models.SET_NULL, null=True, blank=True
    )

    objects = OverpaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("多发待追回")
        verbose_name_plural = _("多发待追回")
        ordering = ["town", "resident", "month"]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.month:%Y-%m} {self.amount}"
