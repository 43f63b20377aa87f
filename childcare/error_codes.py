"""Stable error codes of the childcare services, with the message a person can act on.

The value is the code tests and API clients rely on; the label is the translated message, with a
`%(limit)s` placeholder filled from `PortalError(..., params={"limit": n})`. Scope refusals use the
shared `CommonCode.NOT_IN_SCOPE`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    NOT_CHILDCARE_FACILITY = "not_childcare_facility", _("该设施不是托育机构。")
    CLASS_SIZE_EXCEEDS_STANDARD = (
        "class_size_exceeds_standard",
        _("班级人数超过国家标准规定的该班型上限（%(limit)s 人）。"),
    )
    RATIO_BELOW_STANDARD = (
        "ratio_below_standard",
        _("保育人员不足：按国家标准该班至少需要 %(limit)s 名保育人员。"),
    )
    KINDERGARTEN_CLASS_TYPE = "kindergarten_class_type", _("幼儿园只能开设招收 2—3 岁幼儿的托大班。")
    KINDERGARTEN_NO_VACANT_PLACES = (
        "kindergarten_no_vacant_places",
        _("幼儿园空余学位不足（可用于托班的空余学位 %(limit)s 个）。"),
    )
    HEALTH_WORKER_REQUIRED = (
        "health_worker_required",
        _("在托幼儿达到 150 人及以上的机构须配备至少 1 名专职卫生保健人员。"),
    )
    CAPACITY_BELOW_OCCUPIED = (
        "capacity_below_occupied",
        _("托位数不能少于在托和递补保留的人数（%(limit)s 人）。"),
    )
    CLASS_FULL = "class_full", _("该班级已满，可登记候补。")
    CLASS_HAS_VACANCY = "class_has_vacancy", _("该班级仍有空余托位，请直接办理入托。")
    CHILD_TOO_YOUNG = "child_too_young", _("幼儿月龄未达到该班型的要求。")
    CHILD_TOO_OLD = "child_too_old", _("幼儿月龄已超过该班型的范围。")
    START_BEFORE_BIRTH = "start_before_birth", _("入托日期不能早于幼儿的出生日期。")
    BIRTH_IN_FUTURE = "birth_in_future", _("出生日期不能晚于今天。")
    CHILD_ALREADY_ENROLLED = "child_already_enrolled", _("该幼儿已有在托记录，请先办理退托。")
    CHILD_EXISTS = "child_exists", _("该身份证号的幼儿已登记。")
    COMMUNITY_NOT_IN_TOWN = "community_not_in_town", _("所选村社区不属于该镇街。")
    ID_BIRTH_MISMATCH = "id_birth_mismatch", _("出生日期或性别与身份证号不一致。")
    # The ID number's own checks (hechuan_portal.common.idcard), translated here for this app's forms.
    ID_FORMAT = "id_format", _("身份证号应为 18 位（末位可为 X）或 15 位旧号码。")
    ID_BIRTH_DATE = "id_birth_date", _("身份证号中的出生日期无效。")
    ID_CHECK_DIGIT = "id_check_digit", _("身份证号校验位错误。")
    ALREADY_WAITING = "already_waiting", _("该幼儿已在此班级候补。")
    ENROLMENT_NOT_ACTIVE = "enrolment_not_active", _("该入托记录已退托。")
    OFFER_NOT_OPEN = "offer_not_open", _("该候补没有待确认的递补通知。")
    OFFER_EXPIRED = "offer_expired", _("递补通知已过确认期限。")
    CLINIC_NOT_MEDICAL_PARTNER = "clinic_not_medical_partner", _("健康检查只能由医育结合机构记录。")
    NOT_CLINIC_STAFF = "not_clinic_staff", _("您不是该医育结合机构的工作人员。")
    CHECKUP_ALREADY_RECORDED = "checkup_already_recorded", _("该次健康检查已记录结果。")
    VOUCHER_NOT_FOUND = "voucher_not_found", _("券号不存在。")
    VOUCHER_ALREADY_REDEEMED = "voucher_already_redeemed", _("该体验券已使用，不能重复使用。")
    VOUCHER_EXPIRED = "voucher_expired", _("该体验券已过期。")
    FACILITY_NOT_INCLUSIVE = "facility_not_inclusive", _("体验券只能在普惠托育机构使用。")
    VOUCHER_TARGET_REQUIRED = "voucher_target_required", _("请选择发放镇街或填写幼儿名单。")
