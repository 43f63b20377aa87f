"""时间储蓄 (the time bank): volunteers, the services they give, and the append-only ledger of hours."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet


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
