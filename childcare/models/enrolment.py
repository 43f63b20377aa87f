"""Children, enrolment (入托) and the waitlist (候补) with its priority categories."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet

from .places import ChildcareClass


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
