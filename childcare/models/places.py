"""托位 and classes to the national standard: the class types, the portal's childcare settings, a
centre's profile (health-care workers, a kindergarten's 学位) and its classes. The standard's limits
live in `childcare/standards.py` and, as far as a row can hold them, in the CheckConstraints below."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet

from .. import standards as std
from ..standards import ClassTypeCode


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
