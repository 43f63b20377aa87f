"""Users with a role and an area scope, and the append-only audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("区级管理员")
    DISTRICT_STAFF = "district_staff", _("区级工作人员")
    TOWN_OFFICER = "town_officer", _("镇街工作人员")
    FACILITY_OPERATOR = "facility_operator", _("机构运营人员")
    AUDITOR = "auditor", _("安全审计员")


DISTRICT_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DISTRICT_STAFF})


class User(AbstractUser):
    """A portal account. Officers are bound to one town/street; operators to their facilities."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.DISTRICT_STAFF)
    area = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("管辖区域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("镇街工作人员必须指定所属镇街。"),
    )
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    # Replaced whenever the account's powers or second factor change (services.user_credentials_end):
    # every session and API token issued before then stops working at once.
    security_stamp = models.CharField(_("安全标记"), max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="town_officer") | Q(area__isnull=False),
                name="accounts_user_officer_has_area",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def credentials_fingerprint(self) -> str:
        """What every session and API token of this account is bound to: the password hash and the
        security stamp. A password change (anywhere: admin, command, service) or a new stamp changes it."""
        return salted_hmac(
            "hechuan_portal.accounts.credentials",
            f"{self.password}|{self.security_stamp}",
            algorithm="sha256",
        ).hexdigest()

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django binds sessions to the password hash only; here also to the security stamp, so a role,
        # scope or second-factor change ends the account's sessions too (checked on every request).
        return salted_hmac(
            "hechuan_portal.accounts.User.session",
            self.credentials_fingerprint(),
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_district(self) -> bool:
        from .roles import is_district

        return is_district(self)


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    VIEW = "view", _("查看个人信息")
    REVEAL = "reveal", _("查看完整证件号")
    EXPORT = "export", _("导出")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    IMPORT = "import", _("导入")
    RUN = "run", _("执行任务")


class AuditEvent(models.Model):
    """One audited act. Rows are never changed: a trigger refuses UPDATE and DELETE (migration 0002).

    Never store the personal data itself here — only which record, who, when and why.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # No FK constraint: deleting a user must not touch (and so be blocked by) audit rows.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    area_code = models.CharField(_("区域"), max_length=12, blank=True)
    reason = models.CharField(_("事由"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [
            # The auditor's search: one object's history, and one person's acts.
            models.Index(fields=["object_type", "object_id"], name="accounts_audit_object_idx"),
            models.Index(fields=["actor_username", "at"], name="accounts_audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}:{self.object_id}"


class ApiToken(models.Model):
    """An API token (`Authorization: Token <key>`). Only the SHA-256 of the key is stored; it expires,
    and it is bound to the account's credentials fingerprint, so a password change, a role or scope
    change or a removed second factor revokes it, as does deactivating the account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=8, help_text=_("令牌的前 8 位，用于辨认。"))
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    fingerprint = models.CharField(_("凭据指纹"), max_length=64)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires = models.DateTimeField(_("到期时间"))
    last_used = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    def is_valid(self) -> bool:
        user = self.user
        return bool(
            user.is_active
            and self.expires > timezone.now()
            and self.fingerprint == user.credentials_fingerprint()
        )
