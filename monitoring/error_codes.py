"""Stable error codes of the monitoring app; the label is the message a person can act on.

Refusals shared with every app (`not_allowed`, …) are `CommonCode`s; upload checks (`file_too_large`,
`file_type`) are `UploadCode`s in hechuan_portal/common/uploads.py.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    UNKNOWN_ACTION = "unknown_action", _("未知的操作。")
    INVALID_TRANSITION = "invalid_transition", _("当前状态下不能执行该操作。")
    REASON_REQUIRED = "reason_required", _("请填写原因。")
    EVIDENCE_REQUIRED = "evidence_required", _("请至少上传一份整改材料。")
    ANSWERS_INCOMPLETE = "answers_incomplete", _("还有检查项未作答。")
    LOCATION_NOTE_REQUIRED = "location_note_required", _("定位距离设施过远，请说明原因后再提交。")
    NO_TEMPLATE = "no_template", _("该设施类型没有适用的检查模板。")
    ALREADY_DRAWN = "already_drawn", _("该计划已经抽取过，不能重复抽取。")
    NO_TARGETS = "no_targets", _("没有符合条件的检查对象。")
    NOT_INSPECTOR = "not_inspector", _("所选人员不能担任检查人员。")
    NOT_COVERED = "not_covered", _("该老年人不在探访关爱对象名单中。")
    NO_TOWN = "no_town", _("该老年人户籍不在本区，无法登记探访。")
    NEXT_DUE_ORDER = "next_due_order", _("下次探访日期必须晚于本次探访日期。")
    TEMPLATE_IN_USE = "template_in_use", _("模板已被检查使用，请另存为新版本。")
