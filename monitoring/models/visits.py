"""探访关爱: visits to elders in special difficulty."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet


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


class VisitDueQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = None


class VisitDue(models.Model):
    """The 探访关爱 list, precomputed: one row per elder covered by STANDARDS §8 (60+, registered
    in the district, 独居/空巢/留守 or 失能/特困/计生特殊家庭/重残) with their latest visit. Issue 20:
    finding 97,000 covered elders among 1.5 million people and each one's latest visit took seconds
    a request; the visit list and the dashboard's overdue count read this table only.

    Written by one set-based statement, `services.visit_due_refresh`: for everyone nightly (people
    turning 60, the eldercare policy's threshold) and after every household import (deaths, moves,
    flags), for one elder when a visit is recorded or an ability assessment is signed. The tier
    (weekly/monthly/quarterly) is not stored: the list computes it for the rows it shows, by the one
    expression `selectors.visit_tier`.
    """

    resident = models.OneToOneField(
        "residents.Resident", primary_key=True, on_delete=models.CASCADE, related_name="visit_due"
    )
    town = models.ForeignKey("areas.AdminArea", on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "areas.AdminArea", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Copied from the register for the list's order (due, date, community, name) without a join.
    name = models.CharField(_("姓名"), max_length=64, db_collation="C")
    last_visit_on = models.DateField(_("上次探访日期"), null=True, blank=True)
    next_due_on = models.DateField(_("下次探访日期"), null=True, blank=True)
    last_condition = models.CharField(_("老人状况"), max_length=16, blank=True)

    objects = VisitDueQuerySet.as_manager()

    class Meta:
        verbose_name = _("探访名单")
        verbose_name_plural = _("探访名单")
        indexes = [models.Index(fields=["town", "next_due_on"], name="monitoring_visitdue_town_idx")]
