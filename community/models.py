"""社区养老服务 (issue 24): 老年助餐 with cost sharing and monthly claims, and 时间储蓄 (the time bank).

Meals are recorded per canteen, day, person category and way; a meal whose subsidy depends on the
person names a `Resident` (found through the ID number's blind index, never a plain ID). The cost
sharing of a meal is data (`MealPolicy` with its per-category `MealShare`), in force from its date
until the next policy. Claims are computed by one SQL statement (`services.claims_compute`); a claim
in a closed roll is frozen by a database trigger (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet
from hechuan_portal.common.transitions import TransitionLog
from hechuan_portal.common.uploads import StoredUpload


class PersonCategory(models.TextChoices):
    AGE_80 = "age_80", _("80岁以上")
    DIBAO_TEKUN = "dibao_tekun", _("低保/特困")
    DISABLED = "disabled", _("失能")
    OTHER_ELDER = "other_elder", _("其他老年人")
    NON_ELDER = "non_elder", _("非老年人")


class MealWay(models.TextChoices):
    DINE_IN = "dine_in", _("堂食")
    DELIVERY = "delivery", _("送餐上门")


class MealPolicy(models.Model):
    """The cost sharing of a meal in force from `effective_from` until the next policy's date.

    `max_meals_per_day` is the number of subsidised meals one person may have in a day (all canteens).
    """

    name = models.CharField(_("政策名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"), unique=True)
    max_meals_per_day = models.PositiveSmallIntegerField(_("每人每日限餐数"), default=2)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("助餐分担政策")
        verbose_name_plural = _("助餐分担政策")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_meals_per_day__gte=1), name="community_mealpolicy_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from:%Y-%m-%d}）"


class MealShare(models.Model):
    """The split of one meal's price for one person category: 个人出一点、企业让一点、政府补一点、
    集体添一点、社会捐一点 (work plan 二(五)). Amounts in yuan per meal."""

    policy = models.ForeignKey(
        MealPolicy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="shares"
    )
    category = models.CharField(_("人员类别"), max_length=16, choices=PersonCategory.choices)
    individual = models.DecimalField(_("个人支付（元）"), max_digits=8, decimal_places=2, default=0)
    enterprise = models.DecimalField(_("企业让利（元）"), max_digits=8, decimal_places=2, default=0)
    government = models.DecimalField(_("政府补贴（元）"), max_digits=8, decimal_places=2, default=0)
    collective = models.DecimalField(_("集体补助（元）"), max_digits=8, decimal_places=2, default=0)
    donation = models.DecimalField(_("社会捐赠（元）"), max_digits=8, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("助餐分担标准")
        verbose_name_plural = _("助餐分担标准")
        ordering = ["policy", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "category"], name="community_mealshare_one_per_category"
            ),
            models.CheckConstraint(
                condition=Q(individual__gte=0)
                & Q(enterprise__gte=0)
                & Q(government__gte=0)
                & Q(collective__gte=0)
                & Q(donation__gte=0),
                name="community_mealshare_amounts_not_negative",
            ),
            # 非老年人 pay the full price: no public money for them.
            models.CheckConstraint(
                condition=~Q(category="non_elder") | Q(government=0),
                name="community_mealshare_no_subsidy_non_elder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} {self.get_category_display()}"

    @property
    def price(self):
        return self.individual + self.enterprise + self.government + self.collective + self.donation


class CanteenQuerySet(ScopedQuerySet):
    scope_town_field = "canteen__town"
    scope_facility_field = "canteen"


class CanteenProfile(models.Model):
    """What the meal checks need to know of an elder canteen beyond the facility registry: its seats."""

    canteen = models.OneToOneField(
        "facilities.Facility",
        verbose_name=_("老年食堂"),
        on_delete=models.CASCADE,
        related_name="meal_profile",
        limit_choices_to={"kind": "elder_canteen"},
    )
    seats = models.PositiveIntegerField(_("座位数"))
    payee_account = models.CharField(_("收款账号"), max_length=64, blank=True)
    payee_name = models.CharField(_("收款户名"), max_length=128, blank=True)

    objects = CanteenQuerySet.as_manager()

    class Meta:
        verbose_name = _("食堂助餐信息")
        verbose_name_plural = _("食堂助餐信息")
        ordering = ["canteen"]

    def __str__(self) -> str:
        return str(self.canteen)


class MealQuerySet(ScopedQuerySet):
    scope_town_field = "canteen__town"
    scope_facility_field = "canteen"


class Meal(models.Model):
    """Meals served: one row per meal of a named person, or a count of anonymous 非老年人 meals."""

    canteen = models.ForeignKey(
        "facilities.Facility", verbose_name=_("老年食堂"), on_delete=models.PROTECT, related_name="meals"
    )
    day = models.DateField(_("日期"))
    category = models.CharField(_("人员类别"), max_length=16, choices=PersonCategory.choices)
    way = models.CharField(_("就餐方式"), max_length=16, choices=MealWay.choices)
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("就餐人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meals",
        # Indexed with the day below (community_meal_person_day); no index on the column alone.
        db_index=False,
    )
    count = models.PositiveIntegerField(_("份数"), default=1)
    batch = models.ForeignKey(
        "MealImport",
        verbose_name=_("导入批次"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meal_rows",
        db_index=False,
        # Bookkeeping only (which file brought the row). A database foreign key here cost one
        # deferred check per meal at commit — a third of a year's import in bench_community — and
        # guarded nothing a person relies on; the canteen and the person keep theirs.
        db_constraint=False,
    )

    objects = MealQuerySet.as_manager()

    class Meta:
        verbose_name = _("助餐记录")
        verbose_name_plural = _("助餐记录")
        ordering = ["canteen", "day", "id"]
        constraints = [
            # A subsidy follows a person: every category but 非老年人 names one, one meal per row.
            models.CheckConstraint(
                condition=(Q(category="non_elder") & Q(resident__isnull=True) & Q(count__gte=1))
                | (~Q(category="non_elder") & Q(resident__isnull=False) & Q(count=1)),
                name="community_meal_person_or_anonymous_count",
            ),
        ]
        indexes = [
            # claims_compute and the capacity check: one canteen's meals of one month.
            models.Index(fields=["canteen", "day"], name="community_meal_canteen_day"),
            # The daily-limit and register checks: one person's meals by day.
            models.Index(fields=["resident", "day"], name="community_meal_person_day"),
        ]

    def __str__(self) -> str:
        return f"{self.canteen_id} {self.day} {self.category}"


class ImportStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class MealImport(models.Model):
    """One daily meal file (or phone entry) of a canteen: counts and problems, never personal data."""

    canteen = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("老年食堂"),
        on_delete=models.PROTECT,
        related_name="meal_imports",
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    meals = models.PositiveIntegerField(_("导入份数"), default=0)
    replaced = models.PositiveIntegerField(_("替换份数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)

    objects = CanteenQuerySet.as_manager()

    class Meta:
        verbose_name = _("助餐数据导入")
        verbose_name_plural = _("助餐数据导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class Donation(models.Model):
    """社会捐赠 received for meal assistance: income, with the donor and what it is for."""

    received_on = models.DateField(_("到账日期"))
    donor = models.CharField(_("捐赠人"), max_length=128)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    use = models.CharField(_("用途"), max_length=255)
    town = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("镇街"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meal_donations",
    )
    canteen = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("老年食堂"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("社会捐赠")
        verbose_name_plural = _("社会捐赠")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="community_donation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.donor} {self.amount}"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("待审核")
    REVIEWED = "reviewed", _("镇街已审核")
    APPROVED = "approved", _("区级已审批")
    CLOSED = "closed", _("已结算")


class RollStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CLOSED = "closed", _("已关闭")


class ClaimRollQuerySet(models.QuerySet):
    def visible_to(self, user):
        from hechuan_portal.accounts.roles import is_district

        return self if is_district(user) else self.none()


class ClaimRoll(models.Model):
    """The payment roll of one month's approved meal claims: draft → closed (frozen) → bank file."""

    month = models.DateField(_("月份"), unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=RollStatus.choices, default=RollStatus.DRAFT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("关闭人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    claim_count = models.PositiveIntegerField(_("申报数"), default=0)
    total_amount = models.DecimalField(_("总金额（元）"), max_digits=14, decimal_places=2, default=0)

    objects = ClaimRollQuerySet.as_manager()

    class Meta:
        verbose_name = _("助餐补贴发放名册")
        verbose_name_plural = _("助餐补贴发放名册")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="community_claimroll_first_of_month"),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="community_claimroll_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class MealClaim(models.Model):
    """One canteen's claim for one month: the government part of its meals under the policies in force.

    Computed (and recomputed while a draft) by `services.claims_compute`; reviewed by the town,
    approved by the district, then paid in the month's `ClaimRoll`. Closed claims cannot change.
    """

    canteen = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("老年食堂"),
        on_delete=models.PROTECT,
        related_name="meal_claims",
    )
    month = models.DateField(_("月份"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    meals = models.PositiveIntegerField(_("份数"), default=0)
    government_amount = models.DecimalField(_("政府补贴（元）"), max_digits=12, decimal_places=2, default=0)
    computed_at = models.DateTimeField(_("计算时间"))
    roll = models.ForeignKey(
        ClaimRoll,
        verbose_name=_("发放名册"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )

    objects = CanteenQuerySet.as_manager()

    class Meta:
        verbose_name = _("助餐补贴申报")
        verbose_name_plural = _("助餐补贴申报")
        ordering = ["-month", "canteen"]
        constraints = [
            models.UniqueConstraint(fields=["canteen", "month"], name="community_mealclaim_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="community_mealclaim_first_of_month"),
            models.CheckConstraint(
                condition=Q(government_amount__gte=0), name="community_mealclaim_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(roll__isnull=False),
                name="community_mealclaim_closed_in_roll",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.canteen} {self.month:%Y-%m}"


class MealClaimChange(TransitionLog):
    """The status history of a claim (review, approval, closing)."""

    claim = models.ForeignKey(
        MealClaim, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="changes"
    )

    class Meta(TransitionLog.Meta):
        verbose_name = _("申报状态变更")
        verbose_name_plural = _("申报状态变更")


# --- 时间储蓄 (time bank) -------------------------------------------------------------------------


class VolunteerQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = None


class Volunteer(models.Model):
    """A registered time-bank volunteer: a person in the register. `balance` is the running balance of
    the ledger, written only with a ledger entry under the row's lock; the database refuses < 0."""

    resident = models.OneToOneField(
        "residents.Resident", verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="volunteer"
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="volunteers"
    )
    community = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("村社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="community_volunteers",
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    balance = models.DecimalField(_("时间余额（小时）"), max_digits=8, decimal_places=1, default=0)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("时间储蓄志愿者")
        verbose_name_plural = _("时间储蓄志愿者")
        ordering = ["town", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="community_volunteer_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return str(self.resident)


class ServiceRecordStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")


class VolunteerService(models.Model):
    """Hours of service a volunteer gave a recipient; earns hours once the recipient's community confirms."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="services"
    )
    recipient = models.ForeignKey(
        "residents.Resident", verbose_name=_("服务对象"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("服务对象所在镇街"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("时长（小时）"), max_digits=5, decimal_places=1)
    content = models.CharField(_("服务内容"), max_length=255)
    status = models.CharField(
        _("状态"), max_length=16, choices=ServiceRecordStatus.choices, default=ServiceRecordStatus.PENDING
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="community_volunteerservice_hours_in_day"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="community_volunteerservice_confirmed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.day} {self.hours}"


class LedgerKind(models.TextChoices):
    EARN = "earn", _("服务存入")
    TRANSFER_OUT = "transfer_out", _("转赠转出")
    TRANSFER_IN = "transfer_in", _("转赠转入")
    REDEEM = "redeem", _("兑换服务")
    EXPIRE = "expire", _("到期清零")


class LedgerQuerySet(ScopedQuerySet):
    scope_town_field = "volunteer__town"
    scope_facility_field = None


class LedgerEntry(models.Model):
    """One append-only movement of a volunteer's hours, with its source and the balance after it.

    Rows are never updated or deleted (trigger in migration 0002); `balance_after` ≥ 0 and the
    volunteer's `balance` equal the sum of the entries.
    """

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="ledger"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=LedgerKind.choices)
    hours = models.DecimalField(_("小时"), max_digits=8, decimal_places=1)
    balance_after = models.DecimalField(_("变动后余额"), max_digits=8, decimal_places=1)
    service = models.ForeignKey(
        VolunteerService,
        verbose_name=_("来源服务记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    counterpart = models.ForeignKey(
        Volunteer,
        verbose_name=_("转赠对方"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("来源说明"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("时间储蓄台账")
        verbose_name_plural = _("时间储蓄台账")
        ordering = ["volunteer", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="community_ledgerentry_balance_not_negative"
            ),
            # Earnings and transfers in add hours; everything else takes them away.
            models.CheckConstraint(
                condition=(Q(kind__in=["earn", "transfer_in"]) & Q(hours__gt=0))
                | (Q(kind__in=["transfer_out", "redeem", "expire"]) & Q(hours__lt=0)),
                name="community_ledgerentry_sign_by_kind",
            ),
            # Every earning names its confirmed service record, once.
            models.CheckConstraint(
                condition=~Q(kind="earn") | Q(service__isnull=False),
                name="community_ledgerentry_earn_has_service",
            ),
            models.UniqueConstraint(
                fields=["service"], condition=Q(kind="earn"), name="community_ledgerentry_earn_once"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["transfer_in", "transfer_out"])
                | (Q(counterpart__isnull=False) & ~Q(counterpart=F("volunteer"))),
                name="community_ledgerentry_transfer_has_counterpart",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.kind} {self.hours}"


# --- 助浴助洁 (bathing and cleaning) ----------------------------------------------------------------


class CareKind(models.TextChoices):
    BATH_POINT = "bath_point", _("助浴点助浴")
    BATH_VAN = "bath_van", _("助浴车上门")
    BATH_HOME = "bath_home", _("入户助浴")
    CLEANING = "cleaning", _("入户助洁")


class CareService(models.TextChoices):
    """What a monthly plan counts: any bathing kind, or cleaning."""

    BATHING = "bathing", _("助浴")
    CLEANING = "cleaning", _("助洁")


class LocationCheck(models.TextChoices):
    OK = "ok", _("位置相符")
    TOO_FAR = "too_far", _("距离过远")
    MISSING = "missing", _("未定位")


class CareQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = "provider"


class CarePlan(models.Model):
    """How many bathing or cleaning visits an elder in difficulty is to have in a month (data)."""

    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("服务对象"), on_delete=models.PROTECT, related_name="care_plans"
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"))
    service = models.CharField(_("服务"), max_length=16, choices=CareService.choices)
    visits = models.PositiveSmallIntegerField(_("计划次数"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("助浴助洁月度计划")
        verbose_name_plural = _("助浴助洁月度计划")
        ordering = ["-month", "town", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "month", "service"], name="community_careplan_one_per_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="community_careplan_first_of_month"),
            models.CheckConstraint(condition=Q(visits__gte=1), name="community_careplan_visits_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.month:%Y-%m} {self.service}"


class CareRecord(models.Model):
    """One bathing or cleaning visit recorded by the provider on a phone: when, where the phone was
    (checked against the bathing point, or the elder's community for home visits), and a photo."""

    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("服务对象"),
        on_delete=models.PROTECT,
        related_name="care_records",
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("服务方式"), max_length=16, choices=CareKind.choices)
    provider = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("服务机构"),
        on_delete=models.PROTECT,
        related_name="care_records",
    )
    performed_at = models.DateTimeField(_("服务时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    device_location = models.PointField(_("记录时定位"), srid=4326, geography=True, null=True, blank=True)
    location_accuracy_m = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("距核验点距离（米）"), null=True, blank=True)
    location_check = models.CharField(_("定位核验"), max_length=16, choices=LocationCheck.choices)
    location_note = models.CharField(_("定位说明"), max_length=255, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    callback_note = models.CharField(_("回访记录"), max_length=255, blank=True)
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CareQuerySet.as_manager()

    class Meta:
        verbose_name = _("助浴助洁记录")
        verbose_name_plural = _("助浴助洁记录")
        ordering = ["-performed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="community_carerecord_satisfaction_1_5",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(callback_at__isnull=False),
                name="community_carerecord_callback_has_time",
            ),
            # Recorded too far away only with the provider's explanation.
            models.CheckConstraint(
                condition=~Q(location_check="too_far") | ~Q(location_note=""),
                name="community_carerecord_too_far_explained",
            ),
        ]
        indexes = [
            # plan_delivery: a month's records per elder.
            models.Index(fields=["resident", "performed_at"], name="community_care_person_time"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.kind} {self.performed_at:%Y-%m-%d}"


class CarePhoto(StoredUpload):
    """The photo taken with a care visit (stored by its hash)."""

    record = models.ForeignKey(
        CareRecord, verbose_name=_("服务记录"), on_delete=models.CASCADE, related_name="photos"
    )

    class Meta(StoredUpload.Meta):
        verbose_name = _("服务照片")
        verbose_name_plural = _("服务照片")
