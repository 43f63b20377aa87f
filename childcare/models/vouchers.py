"""托育服务体验券: batches issued by town or by list, one voucher per child, redeemed once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet

from .enrolment import Child


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
