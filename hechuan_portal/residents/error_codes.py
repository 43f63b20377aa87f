"""Stable error codes of the household registry (API `code`, tests assert them); labels are the messages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    REVEAL_NOT_ALLOWED = "reveal_not_allowed", _("您的角色无权查看完整身份证号")
    REASON_REQUIRED = "reason_required", _("请填写查看事由（至少 %(n)d 个字）")
    MOVE_IN_DATE = "move_in_date", _("迁入日期应在迁出日期之后，且不晚于今天")
    ID_IN_URL = "id_number_in_url", _("身份证号不能写在网址中，请在查询框中输入后提交。")
