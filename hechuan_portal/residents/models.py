"""户籍人口: one row per registered person, loaded in bulk from household-registry extracts (DESIGN §6)."""

from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet, scope_for
from hechuan_portal.common.formatting import choice_label


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class HukouStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    DECEASED = "deceased", _("死亡")
    MOVED_OUT = "moved_out", _("迁出")


class ResidentQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = None  # operators never see the household registry

    def in_district(self):
        return self.filter(town__isnull=False)


class Resident(models.Model):
    """A registered person. The ID number is stored only encrypted, with a keyed blind index.

    `hukou_code` is the 12-digit area code of the household registration as the extract gives it;
    `town` is set only when that code lies inside the district (people registered elsewhere are kept
    and are never eligible for district benefits).
    """

    id_cipher = models.BinaryField(_("身份证号（密文）"), editable=False)
    # The two text columns with the largest indexes use the "C" collation: byte order, which for
    # UTF-8 is the code-point order the database's C.UTF-8 gives, but PostgreSQL sorts it with
    # memcmp and abbreviated keys, so a first load builds these indexes 2–3× faster (issue 9).
    # Columns compared with them must use "C" too (the import's staging table does).
    id_index = models.CharField(
        _("身份证号索引"), max_length=32, unique=True, editable=False, db_collation="C"
    )
    id_masked = models.CharField(_("身份证号"), max_length=18)
    name = models.CharField(_("姓名"), max_length=64, db_collation="C")
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    hukou_code = models.CharField(_("户籍地区划代码"), max_length=12)
    town = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("镇街"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        # residents_town_name_idx (town, name) serves every look-up by town; a second index on
        # town alone only cost writes (issue 9: one index less to build on a first load).
        db_index=False,
    )
    community = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("村社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="community_residents",
        # No query filters people by community (scope is by town; the service-circle counts scan
        # the whole register): an index here was only written, never read (issue 9).
        db_index=False,
    )
    status = models.CharField(
        _("户籍状态"), max_length=16, choices=HukouStatus.choices, default=HukouStatus.NORMAL
    )
    death_date = models.DateField(_("死亡日期"), null=True, blank=True)
    moved_out_date = models.DateField(_("迁出日期"), null=True, blank=True)
    address = models.CharField(_("住址"), max_length=255, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    dibao = models.BooleanField(_("低保"), default=False)
    tekun = models.BooleanField(_("特困"), default=False)
    lives_alone = models.BooleanField(_("独居"), default=False)
    empty_nest = models.BooleanField(_("空巢"), default=False)
    left_behind = models.BooleanField(_("留守"), default=False)
    special_family = models.BooleanField(_("计生特殊家庭"), default=False)
    disability_grade = models.PositiveSmallIntegerField(_("残疾等级"), null=True, blank=True)
    # STANDARDS §6 rule 7: the date the person moved (back) into the district, when the extract says.
    moved_in_date = models.DateField(_("迁入日期"), null=True, blank=True)
    # Rule 8: the previous ID number after a correction, kept like the ID (encrypted, blind index,
    # mask); blank when the extract names none.
    previous_id_cipher = models.BinaryField(_("曾用身份证号（密文）"), null=True, editable=False)
    previous_id_index = models.CharField(
        _("曾用身份证号索引"), max_length=32, blank=True, editable=False, db_collation="C"
    )
    previous_id_masked = models.CharField(_("曾用身份证号"), max_length=18, blank=True)
    source = models.CharField(_("数据来源"), max_length=64, blank=True)
    extract_date = models.DateField(_("数据提取日期"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("户籍人口")
        verbose_name_plural = _("户籍人口")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True)
                | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="residents_resident_disability_grade_1_4",
            ),
            models.CheckConstraint(
                condition=~Q(status="deceased") | Q(death_date__isnull=False),
                name="residents_resident_death_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="moved_out") | Q(moved_out_date__isnull=False),
                name="residents_resident_move_has_date",
            ),
        ]
        indexes = [
            # Staff search by name within a town; the allowance match scans by birth date.
            models.Index(fields=["town", "name"], name="residents_town_name_idx"),
            models.Index(fields=["birth_date"], name="residents_birth_date_idx"),
            # residents.selectors.resident_search, district-wide staff search by exact name:
            # name = … ORDER BY town, birth_date LIMIT 50 (a common name has hundreds of rows at 1.5
            # million). It replaces the index on name alone (issue 9). It carries every column a
            # result shows, so the search reads the index only: PostgreSQL estimates a few dozen
            # rows a name and fetched all of a common name's rows from the table (one page each)
            # to sort them, 0.6 of the search's 0.7 ms (issue 20).
            models.Index(
                fields=["name", "town", "birth_date"],
                include=["id", "id_masked", "gender", "status"],
                name="residents_search_idx",
            ),
            # subsidies.matching._build_targets, nightly run: residents changed since the last run.
            models.Index(fields=["updated_at"], name="residents_updated_at_idx"),
            # selectors.contradictory (the data-quality page, issue 20): the few records whose
            # status 正常 contradicts a death or move-out date, listed by town and name. Partial, so
            # the page reads them (and their count) without scanning 1.5 million rows.
            models.Index(
                fields=["town", "name"],
                name="residents_contradiction_idx",
                condition=Q(status="normal")
                & (
                    Q(death_date__isnull=False)
                    | Q(moved_out_date__isnull=False)
                    & (Q(moved_in_date__isnull=True) | Q(moved_in_date__lte=F("moved_out_date")))
                ),
            ),
            # subsidies.matching._overpayments: the few people whose extract named a previous ID.
            models.Index(
                fields=["previous_id_index"],
                name="residents_previous_id_idx",
                condition=~Q(previous_id_index=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_masked})"

    # Django's get_FOO_display hashes every (lazy, translated) label of the field on every call: a
    # search's 50 rows cost ~1,000 catalogue look-ups (issue 20). One enum look-up instead.
    def get_gender_display(self) -> str:  # type: ignore[no-redef]  # replaces Django's generated one
        return choice_label(Gender, self.gender)

    def get_status_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(HukouStatus, self.status)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class ImportBatchQuerySet(ScopedQuerySet):
    # Import batches are district-wide files: no town, no facility, so only district roles see them.
    scope_town_field = None
    scope_facility_field = None


class ImportBatch(models.Model):
    """One household-extract file loaded (or refused). Counts only: never personal data."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    stored_file = models.CharField(_("上传文件路径"), max_length=500, blank=True)
    source = models.CharField(_("数据来源"), max_length=64, blank=True)
    extract_date = models.DateField(_("数据提取日期"))
    skip_invalid = models.BooleanField(_("跳过错误行"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    rows_invalid = models.PositiveIntegerField(_("错误行数"), default=0)
    inserted = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变化"), default=0)
    message = models.TextField(_("说明"), blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("户籍数据导入批次")
        verbose_name_plural = _("户籍数据导入批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.extract_date})"


class DuplicateGroupQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        # District roles read the district-wide groups (town NULL), a town officer their town's.
        if scope_for(user).everything:
            return self.filter(town__isnull=True)
        return super().visible_to(user)


class DuplicateGroup(models.Model):
    """Possible duplicate persons (same name, gender and birth date under several ID numbers),
    precomputed for the data-quality page (issue 20: grouping 1.5 million people took seconds).

    Refreshed set-based by `services.duplicate_groups_refresh` after every household import: one
    set of rows per town (what a town officer sees) and one for the whole district (town NULL).
    """

    town = models.ForeignKey(
        "areas.AdminArea", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=64, db_collation="C")
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    n = models.PositiveIntegerField(_("身份证号个数"))

    objects = DuplicateGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("疑似重复人员")
        verbose_name_plural = _("疑似重复人员")
        indexes = [models.Index(fields=["town", "-n", "birth_date"], name="residents_dupgroup_idx")]


class TownPopulationQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = None


class TownPopulation(models.Model):
    """The register counted per town, 户籍状态 正常 or not, and birth month: the one source of the
    per-town population figures (the data-quality page's counts, `selectors.population_by_town`
    behind the dashboard's and childcare's per-1,000 figures). Issue 20: counting 1.5 million people
    per town took about a second a request.

    Refreshed set-based by `services.town_population_refresh` after every household import (the only
    write to the register: births, deaths and moves all arrive in an extract). Counted by birth
    month rather than by age, so it never goes stale as days pass: an age figure ("80 or older
    today") sums the months before the cut-off month and counts the cut-off month itself in the
    register (one month of birth dates, through the birth-date index). Town NULL: people registered
    outside the district.
    """

    town = models.ForeignKey(
        "areas.AdminArea", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    alive = models.BooleanField(_("户籍状态正常"))
    born_in = models.DateField(_("出生月份"))  # the first day of the month
    n = models.PositiveIntegerField(_("人数"))

    objects = TownPopulationQuerySet.as_manager()

    class Meta:
        verbose_name = _("镇街户籍人口汇总")
        verbose_name_plural = _("镇街户籍人口汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "alive", "born_in"], name="residents_townpop_unique", nulls_distinct=False
            )
        ]


class ImportIssue(models.Model):
    """One problem found in an imported file: line number, column and reason (no cell values)."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("导入批次"), on_delete=models.CASCADE, related_name="issues"
    )
    line = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=32, blank=True)
    code = models.CharField(_("错误代码"), max_length=32)
    message = models.CharField(_("原因"), max_length=255)
    # A warning (rule 9: a contradictory row, imported and treated by its dates), not an error.
    warning = models.BooleanField(_("警告"), default=False)

    class Meta:
        verbose_name = _("导入错误")
        verbose_name_plural = _("导入错误")
        ordering = ["batch", "line", "id"]
        indexes = [
            # The data-quality report counts recent problems by code.
            models.Index(fields=["code", "batch"], name="residents_issue_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.column} {self.message}"


class MoveReview(models.TextChoices):
    NONE = "", _("无需复核")
    PENDING = "pending", _("待确认迁入日期")
    CONFIRMED = "confirmed", _("已确认")


class AwayPeriodQuerySet(ScopedQuerySet):
    scope_town_field = "resident__town"
    scope_facility_field = None


class AwayPeriod(models.Model):
    """A stretch of time the person was registered outside the district (STANDARDS §6 rule 7):
    moved out on `moved_out_date` (NULL: came from elsewhere, never registered here before), back
    on `moved_in_date` (NULL: still away, or back without a 迁入日期 and awaiting staff). No month
    after the move-out month up to and including the move-in month is paid, normal or 补发.

    Written set-based by the household import from the extract's 迁出日期 / 迁入日期; a person who
    reappears after a move-out without 迁入日期 gets `review = pending` with the extract's date as
    `proposed_in_date`, and the gap stays unpaid until staff confirm or correct the date.
    """

    resident = models.ForeignKey(
        Resident, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="away_periods"
    )
    moved_out_date = models.DateField(_("迁出日期"), null=True, blank=True)
    moved_in_date = models.DateField(_("迁入日期"), null=True, blank=True)
    proposed_in_date = models.DateField(_("建议迁入日期"), null=True, blank=True)
    review = models.CharField(
        _("复核状态"), max_length=16, choices=MoveReview.choices, blank=True, default=MoveReview.NONE
    )
    confirmed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("确认人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = AwayPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("迁出期间")
        verbose_name_plural = _("迁出期间")
        ordering = ["resident", "moved_out_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "moved_out_date"],
                nulls_distinct=False,
                name="residents_away_one_per_move_out",
            ),
        ]
        indexes = [models.Index(fields=["review"], name="residents_away_review_idx")]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.moved_out_date}–{self.moved_in_date}"


class IdCorrection(models.Model):
    """An ID number corrected by the register (STANDARDS §6 rule 8): the extract named the old
    number as 曾用身份证号, and the person's record — grants, decisions, roll lines, audit trail, all
    keyed by the record — now carries the new number. Masks only: never a full number."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="id_corrections"
    )
    old_index = models.CharField(_("原身份证号索引"), max_length=32, db_collation="C", editable=False)
    old_masked = models.CharField(_("原身份证号"), max_length=18)
    new_masked = models.CharField(_("新身份证号"), max_length=18)
    extract_date = models.DateField(_("数据提取日期"))
    at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("身份证号更正")
        verbose_name_plural = _("身份证号更正")
        ordering = ["resident", "at"]

    def __str__(self) -> str:
        return f"{self.old_masked} → {self.new_masked}"
