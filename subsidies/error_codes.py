"""Stable error codes of the senior allowance (API `code`, tests assert them); labels are the messages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    PERIOD_FORMAT = "period_format", _("月份格式应为 YYYY-MM")
    NO_PERIOD = "no_period", _("%(month)s 的发放名册不存在，请先运行匹配")
    CLOSED = "closed", _("%(month)s 的发放名册已关闭")
    NOTE_REQUIRED = "note_required", _("请填写理由")
    AMOUNT_REQUIRED = "amount_required", _("享受中须填写金额和起始月份")
    END_REQUIRED = "end_required", _("终止须填写截止月份")
    EXPORT_NOT_ALLOWED = "export_not_allowed", _("仅区级角色可以导出")
    RUN_IN_PROGRESS = "run_in_progress", _("另一次匹配正在运行")
