"""Stable error codes of elder care, with the message a person can act on (`PortalError(code, …)`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    ITEM_MISSING = "item_missing", _("缺少评估项目 %(item)s 的得分。")
    ITEM_OUT_OF_RANGE = "item_out_of_range", _("评估项目 %(item)s 的得分应为 0—%(max)s 的整数。")
    ITEM_UNKNOWN = "item_unknown", _("%(item)s 不是 GB/T 42195 的评估项目。")
    NOT_ASSESSOR = "not_assessor", _("您没有有效的老年人能力评估员资格。")
    SAME_ASSESSOR = "same_assessor", _("复核签字须由另一名评估员完成。")
    ALREADY_SIGNED = "already_signed", _("该评估已复核签字，不能修改；如需更正，请新建一份评估。")
    NOT_SIGNED = "not_signed", _("只能更正已复核签字的评估。")
    DATE_IN_FUTURE = "date_in_future", _("评估日期不能晚于今天。")
    DATE_BEFORE_CORRECTED = "date_before_corrected", _("更正评估的日期不能早于原评估。")
    RESIDENT_NOT_FOUND = "resident_not_found", _("在您管理范围内的户籍人口中未找到该身份证号。")
    RESIDENT_NOT_IN_DISTRICT = "resident_not_in_district", _("该人员户籍不在本区，不能评估。")
    NO_POLICY = "no_policy", _("评估日期没有生效的能力评估政策。")
    NOT_POOR = "not_poor", _("该老人不是低保或特困对象。")
    GRADE_TOO_LOW = "grade_too_low", _("该老人最近一次能力评估未达到 %(grade)s 级或尚未评估。")
    ALREADY_ADAPTED = "already_adapted", _("该老人住所已享受过适老化改造补贴，政策不允许再次补贴。")
    WRONG_STATUS = "wrong_status", _("当前办理状态下不能执行该操作。")
    UNKNOWN_ITEM = "unknown_item", _("改造项目 %(item)s 不在目录中。")
    NO_ITEMS = "no_items", _("请至少选择一个改造项目。")
    NOT_ELDER_FACILITY = "not_elder_facility", _("服务机构须为本区正常运营的养老服务设施。")
    OPEN_BED_EXISTS = "open_bed_exists", _("该老人已有在办的家庭养老床位。")
    NOT_FIRST_OF_MONTH = "not_first_of_month", _("月份须为该月第一天。")
    NO_GUARANTEED_BED = "no_guaranteed_bed", _("该机构的兜底床位已满。")
    NOT_NURSING_HOME = "not_nursing_home", _("只能安置到养老机构。")
    ALREADY_PLACED = "already_placed", _("该老人已在机构安置中。")
    PLACEMENT_ENDED = "placement_ended", _("该安置已结束。")
    PHOTO_REQUIRED = "photo_required", _("请上传现场照片。")
    BEFORE_AFTER_PHOTOS = "before_after_photos", _("验收须上传改造前和改造后的照片。")
