"""助餐补贴申报: each canteen's monthly claim, its status history, and the month's payment roll.

Claims are computed by one SQL statement (`services.claims_compute`); a claim in a closed roll is
frozen by a database trigger (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hechuan_portal.common.transitions import TransitionLog

from .meals import CanteenQuerySet


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

    # The statuses by their names on the claim's page (the stored values are ClaimStatus codes).
    @property
    def from_label(self) -> str:
        return str(dict(ClaimStatus.choices).get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        return str(dict(ClaimStatus.choices).get(self.to_status, self.to_status))
