"""Stable error codes of the accounts app; the label is the message a person can act on."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountsCode(models.TextChoices):
    UNKNOWN_ROLE = "unknown_role", _("未知角色 %(role)s（可选：%(choices)s）")
    UNKNOWN_AREA = "unknown_area", _("区划代码 %(code)s 不存在")
    OFFICER_NEEDS_TOWN = "officer_needs_town", _("镇街工作人员必须用 --area 指定一个镇街的 12 位区划代码")
    LOCKED_OUT = (
        "locked_out",
        _("登录失败次数过多，该账号在本机已被暂时锁定，请 15 分钟后再试，或联系区级管理员解锁。"),
    )
    OTP_SETUP_REQUIRED = "otp_setup_required", _("请先在网页上设置动态口令（二次验证）。")
    OTP_INVALID = "otp_invalid", _("动态口令不正确或已过期。")
    PASSWORD_INVALID = "invalid_password", _("密码不正确。")
    SESSION_EXPIRED = "session_expired", _("登录已超过最长时限，请重新登录。")
    REAUTH_REQUIRED = "reauth_required", _("此操作需要再次输入密码确认身份。")
