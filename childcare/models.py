"""托育: classes and 托位 to the national standard, children, enrolment and waitlist, health screening
(医育结合) and vouchers (托育服务体验券). The standard's limits live in `standards.py` and, as far as a
row can hold them, in the CheckConstraints below.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.models import DISTRICT_ROLES, Role
from hechuan_portal.accounts.scope import ScopedQuerySet

from . import standards as std
from .standards import ClassTypeCode


class ClassType(models.TextChoices):
    INFANT = ClassTypeCode.INFANT, _("乳儿班")
    TODDLER_SMALL = ClassTypeCode.TODDLER_SMALL, _("托小班")
    TODDLER_LARGE = ClassTypeCode.TODDLER_LARGE, _("托大班")
    MIXED = ClassTypeCode.MIXED, _("混合编班")


class ChildcareSettings(models.Model):
    """The portal's own childcare settings (one row, edited in the admin)."""

    mixed_children_per_caregiver = models.PositiveSmallIntegerField(
        _("混合编班每名保育人员照护幼儿数"),
        default=std.DEFAULT_MIXED_CHILDREN_PER_CAREGIVER,
        help_text=_("国家标准未规定，默认 1:5。"),
    )
    offer_days = models.PositiveSmallIntegerField(_("托位递补确认期限（天）"), default=7)

    class Meta:
        verbose_name = _("托育设置")
        verbose_name_plural = _("托育设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(mixed_children_per_caregiver__gte=1)
                & Q(mixed_children_per_caregiver__lte=std.MAX_CHILDREN_PER_CAREGIVER),
                name="childcare_settings_mixed_ratio_range",
            ),
            models.CheckConstraint(condition=Q(offer_days__gte=1), name="childcare_settings_offer_days_pos"),
        ]

    def __str__(self) -> str:
        return str(_("托育设置"))

    @classmethod
    def current(cls) -> ChildcareSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class ChildcareProfile(models.Model):
    """What the standard asks of a centre beyond its classes: health-care workers, and for a
    kindergarten its approved 学位 and pupils (托班 places come out of the vacant 学位, 托幼一体化)."""

    facility = models.OneToOneField(
        "facilities.Facility",
        verbose_name=_("设施"),
        on_delete=models.CASCADE,
        related_name="childcare_profile",
    )
    health_workers = models.PositiveSmallIntegerField(_("专职卫生保健人员"), default=0)
    kindergarten_places = models.PositiveIntegerField(_("幼儿园核定学位"), default=0)
    kindergarten_pupils = models.PositiveIntegerField(_("幼儿园在园幼儿"), default=0)
    # 医育结合: the clinic that screens this facility's children sees their due check-ups.
    partner_clinic = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("签约医疗卫生机构"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_of",
        limit_choices_to={"kind": "medical_partner"},
    )

    class Meta:
        verbose_name = _("托育机构概况")
        verbose_name_plural = _("托育机构概况")
        constraints = [
            models.CheckConstraint(
                condition=Q(kindergarten_pupils__lte=F("kindergarten_places")),
                name="childcare_profile_pupils_le_places",
            ),
        ]

    def __str__(self) -> str:
        return str(self.facility)

    @property
    def kindergarten_vacant(self) -> int:
        return self.kindergarten_places - self.kindergarten_pupils


class ClassQuerySet(ScopedQuerySet):
    scope_town_field = "facility__town"
    scope_facility_field = "facility"


def _class_size_q() -> Q:
    q = Q()
    for code, s in std.CLASS_STANDARDS.items():
        q |= Q(class_type=code, capacity__lte=s.max_size)
    return q


def _class_ratio_setting_q() -> Q:
    """Fixed types carry their standard ratio; 混合编班 a configured one no looser than 1:7."""
    q = Q()
    for code, s in std.CLASS_STANDARDS.items():
        if s.children_per_caregiver is None:
            q |= Q(
                class_type=code,
                children_per_caregiver__gte=1,
                children_per_caregiver__lte=std.MAX_CHILDREN_PER_CAREGIVER,
            )
        else:
            q |= Q(class_type=code, children_per_caregiver=s.children_per_caregiver)
    return q


class ChildcareClass(models.Model):
    """A class (班级) of one type. `capacity` is its 托位; `occupied` counts active enrolments and
    `reserved` the places held for waitlist offers, both kept by the services with conditional
    UPDATEs and bounded by the constraints below."""

    facility = models.ForeignKey(
        "facilities.Facility", verbose_name=_("托育机构"), on_delete=models.PROTECT, related_name="classes"
    )
    name = models.CharField(_("班级名称"), max_length=64)
    class_type = models.CharField(_("班型"), max_length=16, choices=ClassType.choices)
    capacity = models.PositiveSmallIntegerField(_("托位数"))
    caregivers = models.PositiveSmallIntegerField(_("保育人员数"))
    children_per_caregiver = models.PositiveSmallIntegerField(_("每名保育人员照护幼儿数"))
    is_inclusive = models.BooleanField(_("普惠托位"), default=False)
    occupied = models.PositiveSmallIntegerField(_("在托人数"), default=0)
    reserved = models.PositiveSmallIntegerField(_("递补保留托位"), default=0)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("班级")
        verbose_name_plural = _("班级")
        ordering = ["facility_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "name"], name="childcare_class_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="childcare_class_capacity_pos"),
            models.CheckConstraint(condition=_class_size_q(), name="childcare_class_size_le_standard"),
            models.CheckConstraint(condition=_class_ratio_setting_q(), name="childcare_class_ratio_setting"),
            models.CheckConstraint(
                condition=Q(capacity__lte=F("caregivers") * F("children_per_caregiver")),
                name="childcare_class_ratio_met",
            ),
            models.CheckConstraint(
                condition=Q(occupied__lte=F("capacity") - F("reserved")),
                name="childcare_class_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("childcare:class_detail", args=[self.pk])

    @property
    def vacant(self) -> int:
        return self.capacity - self.occupied - self.reserved


class ChildQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = "facility"


class Child(models.Model):
    """A child known to the childcare service. The ID number is stored encrypted with a keyed blind
    index (like residents'); `facility` is the facility that holds the record (set on enrolment)."""

    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))])
    birth_date = models.DateField(_("出生日期"))
    id_cipher = models.BinaryField(_("身份证号（密文）"), null=True, editable=False)
    id_index = models.CharField(_("身份证号索引"), max_length=32, null=True, unique=True, editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, blank=True)
    guardian_name = models.CharField(_("监护人"), max_length=64)
    guardian_phone = models.CharField(_("监护人电话"), max_length=32)
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("居住村社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("所在托育机构"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("幼儿")
        verbose_name_plural = _("幼儿")
        ordering = ["-birth_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=["M", "F"]), name="childcare_child_gender"),
        ]
        indexes = [
            # Voucher issue by town selects children by town and birth date.
            models.Index(fields=["town", "birth_date"], name="childcare_child_town_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("childcare:child_detail", args=[self.pk])


class PriorityCategory(models.Model):
    """A waitlist priority (二孩、三孩、双职工 …) as data: the points a family gets for it."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    points = models.PositiveSmallIntegerField(_("优先分"), default=1)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("优先类别")
        verbose_name_plural = _("优先类别")
        ordering = ["-points", "code"]

    def __str__(self) -> str:
        return self.name


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("在托")
    WITHDRAWN = "withdrawn", _("已退托")


class EnrolmentQuerySet(ScopedQuerySet):
    scope_town_field = "facility__town"
    scope_facility_field = "facility"


class Enrolment(models.Model):
    """A child holding a place in a class. One active enrolment per child."""

    child = models.ForeignKey(
        Child, verbose_name=_("幼儿"), on_delete=models.PROTECT, related_name="enrolments"
    )
    klass = models.ForeignKey(
        ChildcareClass, verbose_name=_("班级"), on_delete=models.PROTECT, related_name="enrolments"
    )
    facility = models.ForeignKey(
        "facilities.Facility", verbose_name=_("托育机构"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    start_date = models.DateField(_("入托日期"))
    end_date = models.DateField(_("退托日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("入托")
        verbose_name_plural = _("入托")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(status="active"), name="childcare_enrolment_one_active"
            ),
            models.CheckConstraint(
                condition=Q(status="active", end_date__isnull=True)
                | Q(status="withdrawn", end_date__isnull=False),
                name="childcare_enrolment_end_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} → {self.klass}"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("排队中")
    OFFERED = "offered", _("已通知递补")
    ACCEPTED = "accepted", _("已入托")
    EXPIRED = "expired", _("逾期未确认")
    CANCELLED = "cancelled", _("已取消")


class WaitlistQuerySet(ScopedQuerySet):
    scope_town_field = "facility__town"
    scope_facility_field = "facility"

    def in_order(self):
        """The transparent order: more priority points first, then earlier application, then id."""
        return self.order_by("-priority_points", "applied_at", "id")


class WaitlistEntry(models.Model):
    """A family waiting for a place in a full class; an offer holds a place until its deadline."""

    child = models.ForeignKey(
        Child, verbose_name=_("幼儿"), on_delete=models.PROTECT, related_name="waitlist"
    )
    klass = models.ForeignKey(
        ChildcareClass, verbose_name=_("班级"), on_delete=models.PROTECT, related_name="waitlist"
    )
    facility = models.ForeignKey(
        "facilities.Facility", verbose_name=_("托育机构"), on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("申请时间"))
    categories = models.ManyToManyField(PriorityCategory, verbose_name=_("优先类别"), blank=True)
    priority_points = models.PositiveSmallIntegerField(_("优先分"), default=0)
    status = models.CharField(
        _("状态"), max_length=16, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    offered_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    offer_deadline = models.DateTimeField(_("确认截止"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = WaitlistQuerySet.as_manager()

    class Meta:
        verbose_name = _("候补登记")
        verbose_name_plural = _("候补登记")
        ordering = ["-priority_points", "applied_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "klass"],
                condition=Q(status__in=["waiting", "offered"]),
                name="childcare_waitlist_one_open_per_class",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_deadline__isnull=False, offered_at__isnull=False),
                name="childcare_waitlist_offer_has_deadline",
            ),
        ]
        indexes = [
            # The next family: open entries of a class in the transparent order.
            models.Index(
                fields=["klass", "status", "-priority_points", "applied_at"],
                name="childcare_waitlist_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} ⏳ {self.klass}"


# --- health screening ----------------------------------------------------------------------------


class ScreeningQuerySet(models.QuerySet):
    """Screening data of minors: district staff, the childcare facility, the recording clinic and
    the facility's partner clinic (which must see the due check-ups to do them) only. Town officers
    and auditors see nothing. (Not a ScopedQuerySet: there is no town rule here.)"""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role in DISTRICT_ROLES:
            return self
        if user.role == Role.FACILITY_OPERATOR:
            return self.filter(
                Q(facility__operators=user)
                | Q(clinic__operators=user)
                | Q(facility__childcare_profile__partner_clinic__operators=user)
            ).distinct()
        return self.none()


class ScreeningResult(models.TextChoices):
    PASS = "pass", _("通过")
    REFER = "refer", _("未通过（转诊）")


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


# --- vouchers ------------------------------------------------------------------------------------


class VoucherBatch(models.Model):
    """A batch of 托育服务体验券 issued to families with a child under 3, by town or by list."""

    name = models.CharField(_("批次名称"), max_length=128)
    town = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("发放镇街"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.DecimalField(_("面额（元）"), max_digits=8, decimal_places=2)
    issued_on = models.DateField(_("发放日期"))
    expires_on = models.DateField(_("有效期至"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("体验券批次")
        verbose_name_plural = _("体验券批次")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("issued_on")), name="childcare_voucherbatch_dates"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="childcare_voucherbatch_value_pos"),
        ]

    def __str__(self) -> str:
        return self.name


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("已发放")
    REDEEMED = "redeemed", _("已使用")


class VoucherQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = "redeemed_facility"


class Voucher(models.Model):
    """One voucher for one child; redeemed once at a 普惠 facility before the batch expires.
    "Expired" is not stored: an issued voucher past its batch's date is expired."""

    batch = models.ForeignKey(
        VoucherBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="vouchers"
    )
    child = models.ForeignKey(
        Child, verbose_name=_("幼儿"), on_delete=models.PROTECT, related_name="vouchers"
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("券号"), max_length=16, unique=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED
    )
    redeemed_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    redeemed_facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("使用机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = VoucherQuerySet.as_manager()

    class Meta:
        verbose_name = _("体验券")
        verbose_name_plural = _("体验券")
        ordering = ["batch_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "child"], name="childcare_voucher_one_per_child"),
            models.CheckConstraint(
                condition=Q(status="issued", redeemed_at__isnull=True, redeemed_facility__isnull=True)
                | Q(status="redeemed", redeemed_at__isnull=False, redeemed_facility__isnull=False),
                name="childcare_voucher_redeemed_has_place",
            ),
        ]

    def __str__(self) -> str:
        return self.code
