"""Stable error codes of the childcare services, with the message a person can act on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "not_childcare_facility": _("该设施不是托育机构。"),
    "class_size_exceeds_standard": _("班级人数超过国家标准规定的该班型上限（%(limit)s 人）。"),
    "ratio_below_standard": _("保育人员不足：按国家标准该班至少需要 %(limit)s 名保育人员。"),
    "kindergarten_class_type": _("幼儿园只能开设招收 2—3 岁幼儿的托大班。"),
    "kindergarten_no_vacant_places": _("幼儿园空余学位不足（可用于托班的空余学位 %(limit)s 个）。"),
    "health_worker_required": _("在托幼儿达到 150 人及以上的机构须配备至少 1 名专职卫生保健人员。"),
    "capacity_below_occupied": _("托位数不能少于在托和递补保留的人数（%(limit)s 人）。"),
    "class_full": _("该班级已满，可登记候补。"),
    "class_has_vacancy": _("该班级仍有空余托位，请直接办理入托。"),
    "child_too_young": _("幼儿月龄未达到该班型的要求。"),
    "child_too_old": _("幼儿月龄已超过该班型的范围。"),
    "child_already_enrolled": _("该幼儿已有在托记录，请先办理退托。"),
    "child_exists": _("该身份证号的幼儿已登记。"),
    "community_not_in_town": _("所选村社区不属于该镇街。"),
    "id_birth_mismatch": _("出生日期或性别与身份证号不一致。"),
    "not_in_scope": _("超出您的管理范围。"),
    "already_waiting": _("该幼儿已在此班级候补。"),
    "enrolment_not_active": _("该入托记录已退托。"),
    "offer_not_open": _("该候补没有待确认的递补通知。"),
    "offer_expired": _("递补通知已过确认期限。"),
    "clinic_not_medical_partner": _("健康检查只能由医育结合机构记录。"),
    "not_clinic_staff": _("您不是该医育结合机构的工作人员。"),
    "checkup_already_recorded": _("该次健康检查已记录结果。"),
    "voucher_not_found": _("券号不存在。"),
    "voucher_already_redeemed": _("该体验券已使用，不能重复使用。"),
    "voucher_expired": _("该体验券已过期。"),
    "facility_not_inclusive": _("体验券只能在普惠托育机构使用。"),
    "voucher_target_required": _("请选择发放镇街或填写幼儿名单。"),
}


class ChildcareError(Exception):
    """A refused childcare action: `code` is stable (tests, API), the message is translated."""

    def __init__(self, code: str, *, limit: int | None = None, status: int = 400):
        self.code = code
        self.limit = limit
        self.status = status
        super().__init__(code)

    @property
    def message(self) -> str:
        text = str(MESSAGES[self.code])
        return text % {"limit": self.limit} if "%(limit)s" in text else text
