"""Stable error codes of the community services (meal assistance, claims, time bank).

The value is the code tests and API clients rely on; the label is the translated message, with named
placeholders filled from `PortalError(..., params=...)`. Role refusals use `CommonCode.NOT_ALLOWED`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    NOT_A_CANTEEN = "not_a_canteen", _("该设施不是老年食堂。")
    NO_POLICY = "no_policy", _("%(day)s 没有生效的助餐分担政策。")
    IMPORT_REFUSED = "import_refused", _("文件有 %(count)s 处错误，未导入任何数据。")
    MONTH_FROZEN = "month_frozen", _("%(month)s 的助餐补贴已进入审核，不能再修改该月的助餐记录。")
    CLAIM_NOT_FOUND = "claim_not_found", _("%(month)s 没有该食堂的补贴申报。")
    CLAIM_WRONG_STATUS = "claim_wrong_status", _("该申报当前状态为“%(status)s”，不能执行此操作。")
    CLAIM_CHECKS_FAILED = "claim_checks_failed", _("审批前检查发现 %(count)s 条问题，请先核实。")
    ROLL_EXISTS = "roll_exists", _("%(month)s 的发放名册已存在。")
    ROLL_EMPTY = "roll_empty", _("%(month)s 没有已审批的申报。")
    ROLL_CLOSED = "roll_closed", _("%(month)s 的发放名册已关闭，不能修改。")
    ROLL_NOT_CLOSED = "roll_not_closed", _("发放名册关闭后才能生成银行代发文件。")
    ROLL_NOT_FOUND = "roll_not_found", _("%(month)s 的发放名册不存在。")
    RESIDENT_NOT_FOUND = "resident_not_found", _("户籍库中没有该身份证号。")
    RESIDENT_OUTSIDE_DISTRICT = "resident_outside_district", _("该人员户籍不在本区。")
    ALREADY_VOLUNTEER = "already_volunteer", _("该人员已登记为志愿者。")
    NOT_A_VOLUNTEER = "not_a_volunteer", _("该人员尚未登记为时间储蓄志愿者。")
    SERVICE_NOT_PENDING = "service_not_pending", _("该服务记录已确认。")
    INSUFFICIENT_HOURS = "insufficient_hours", _("时间余额不足（现有 %(balance)s 小时）。")
    TRANSFER_NOT_FAMILY = "transfer_not_family", _("只能转赠给同一户籍地址的家庭成员。")
    HOURS_NOT_POSITIVE = "hours_not_positive", _("小时数必须大于 0。")
    NOT_ELIGIBLE_FOR_CARE = "not_eligible_for_care", _("该老人不属于特殊困难老年人，不能登记助浴助洁服务。")
    LOCATION_NOTE_REQUIRED = "location_note_required", _("定位距离核验点 %(distance)s 米，请说明原因。")
    PHOTO_REQUIRED = "photo_required", _("请拍摄服务照片。")
    NOT_A_BATHING_POINT = "not_a_bathing_point", _("助浴点助浴须选择助浴点。")
    SATISFACTION_RANGE = "satisfaction_range", _("满意度应为 1—5。")
    POLICY_DATE_TAKEN = "policy_date_taken", _("该日期已有生效的助餐政策，请选择其他生效日期。")
