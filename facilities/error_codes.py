"""Stable error codes of the facilities app (the API's `code`, asserted by tests), each with the
translated message a person can act on (placeholders filled from `PortalError.params`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    LOCATION_OUTSIDE_DISTRICT = (
        "location_outside_district",
        _(
            "坐标（经度 %(lng).6f，纬度 %(lat).6f）不在合川区范围内（经度 105.97–106.68，纬度 29.85–30.37，WGS 84）。"
        ),
    )
    LOCATION_SWAPPED = (
        "location_swapped",
        _("经纬度似乎填反了：经度应在 105.97–106.68 之间，纬度应在 29.85–30.37 之间。"),
    )
    LOCATION_OUTSIDE_TOWN = "location_outside_town", _("坐标不在%(town)s的边界内，请确认镇街或重新定位。")
    COMMUNITY_NOT_IN_TOWN = "community_not_in_town", _("村社区“%(community)s”不属于%(town)s。")
    TOWN_NOT_A_TOWN = "town_not_a_town", _("请选择镇街一级的区划。")
    SUBTYPE_ONLY_CANTEEN = "subtype_only_canteen", _("只有老年食堂可以填写食堂类别。")
    BEDS_NOT_FOR_KIND = "beds_not_for_kind", _("托育类设施不登记养老床位。")
    PLACES_NOT_FOR_KIND = "places_not_for_kind", _("养老类设施不登记托位。")
    PLACES_FROM_CLASSES = (
        "places_from_classes",
        _("该托育机构的托位由班级汇总，请在“班级与入托”中修改班级托位。"),
    )
    CAPACITY_EXCEEDED = "capacity_exceeded", _("已用或护理型床位、普惠或已用托位不能多于总数。")
    INVALID_TRANSITION = "invalid_status_transition", _("不能从“%(from)s”变更为“%(to)s”。")
    INVALID_NEAR = "invalid_near", _("位置参数 near 应为“经度,纬度”（WGS 84），例如 106.27,29.99。")
    INVALID_RADIUS = "invalid_radius", _("半径 radius 应在 1 到 %(max)s 米之间。")
    COVERAGE_BUSY = "coverage_busy", _("已有计算在进行")
    TOWN_OUT_OF_SCOPE = "town_out_of_scope", _("该镇街不在您的管辖范围内。")
    IMPORT_TOO_LARGE = "import_too_large", _("文件不能超过 %(mb)d MB，请分批导入。")
    IMPORT_EXPIRED = "import_expired", _("预览已过期或已导入，请重新上传文件。")
