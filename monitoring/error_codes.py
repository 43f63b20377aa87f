"""Stable error codes of the monitoring app, with the message a person can act on."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "unknown_action": _("未知的操作。"),
    "invalid_transition": _("当前状态下不能执行该操作。"),
    "not_allowed": _("您的角色不能执行该操作。"),
    "reason_required": _("请填写原因。"),
    "evidence_required": _("请至少上传一份整改材料。"),
    "answers_incomplete": _("还有检查项未作答。"),
    "location_note_required": _("定位距离设施过远，请说明原因后再提交。"),
    "file_too_large": _("文件过大。"),
    "file_type": _("只接受 JPEG、PNG、WebP 图片或 PDF 文件。"),
    "no_template": _("该设施类型没有适用的检查模板。"),
    "already_drawn": _("该计划已经抽取过，不能重复抽取。"),
    "no_targets": _("没有符合条件的检查对象。"),
    "not_inspector": _("所选人员不能担任检查人员。"),
    "not_covered": _("该老年人不在探访关爱对象名单中。"),
    "no_town": _("该老年人户籍不在本区，无法登记探访。"),
    "next_due_order": _("下次探访日期必须晚于本次探访日期。"),
    "template_in_use": _("模板已被检查使用，请另存为新版本。"),
}


class MonitoringError(Exception):
    """A refused business action; `code` is a key of MESSAGES."""

    def __init__(self, code: str, field: str | None = None):
        super().__init__(code)
        self.code = code
        self.field = field

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])
