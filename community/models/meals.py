"""老年助餐: who eats (person categories), the cost-sharing policies, the canteens' meal profile,
the meals themselves with the import batches that brought them, and social donations.

A meal whose subsidy depends on the person names a `Resident` (found through the ID number's blind
index, never a plain ID). The cost sharing of a meal is data (`MealPolicy` with its per-category
`MealShare`), in force from its date until the next policy.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet


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

    # The primary key leads with (canteen, day): its index is the one claims, the capacity check and
    # a day's replacement read, so a meal keeps two indexes rather than three — each index costs a
    # quarter of inserting a year's meals (bench_community). `id` is still drawn from the identity
    # sequence and unique on its own.
    pk = models.CompositePrimaryKey("canteen", "day", "id")
    id = models.BigIntegerField(
        editable=False,
        db_default=models.Func(
            models.Value("community_meal_id_seq"), function="nextval", output_field=models.BigIntegerField()
        ),
    )
    # The canteen and the person are checked once per statement rather than once per meal: a
    # database foreign key cost two trigger queries per row at commit, two thirds of inserting a
    # year's meals. Migration 0005's statement trigger looks each referenced canteen and person up
    # once (locking them as a foreign key would) and refuses the statement when one is missing; the
    # ORM keeps PROTECT on deletes, and 0006's triggers refuse a DELETE of a canteen or person that
    # meals still name in SQL too.
    canteen = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("老年食堂"),
        on_delete=models.PROTECT,
        related_name="meals",
        db_constraint=False,
        db_index=False,  # the primary key (canteen, day, id) leads with it
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
        db_constraint=False,  # checked per statement (see `canteen`)
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
