"""Stable error codes of the areas app: the value is the code, the label the translated message."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    # The whole file: nothing is imported when any feature is wrong.
    FILE_UNREADABLE = "boundary_file_unreadable", _("无法读取 GeoJSON 文件：%(error)s")
    NOT_FEATURE_COLLECTION = "boundary_not_feature_collection", _("文件不是 GeoJSON FeatureCollection")
    NO_FEATURES = "boundary_no_features", _("文件中没有要素")
    FILE_INVALID = "boundary_file_invalid", _("GeoJSON 文件有 %(count)d 处问题，未导入任何数据：\n%(problems)s")
    # One feature (numbered from 1 in the file).
    INVALID_CODE = "boundary_invalid_code", _("第 %(n)d 个要素：区划代码“%(code)s”无效，应为合川区的 12 位代码")
    NO_GEOMETRY = "boundary_no_geometry", _("第 %(n)d 个要素（%(code)s）：缺少几何图形")
    BAD_GEOMETRY = "boundary_bad_geometry", _("第 %(n)d 个要素（%(code)s）：几何图形无法解析")
    OUTSIDE_DISTRICT = "boundary_outside_district", _(
        "第 %(n)d 个要素（%(code)s）：坐标不在合川区附近，请确认使用 WGS 84 经纬度"
    )
    UNSUPPORTED_GEOMETRY = "boundary_unsupported_geometry", _("第 %(n)d 个要素（%(code)s）：只支持面或点")
    INVALID_BOUNDARY = "boundary_invalid", _("第 %(n)d 个要素（%(code)s）：边界自相交或无效")
    UNKNOWN_TOWN = "boundary_unknown_town", _("第 %(n)d 个要素：镇街 %(code)s 不在区划表中")
    COMMUNITY_WITHOUT_NAME = "boundary_community_without_name", _("第 %(n)d 个要素：新村社区 %(code)s 缺少名称")
    COMMUNITY_WITHOUT_TOWN = "boundary_community_without_town", _(
        "第 %(n)d 个要素：村社区 %(code)s 的上级镇街不存在"
    )
    # The reference list of areas (fixtures/areas.json).
    REFERENCE_INVALID = "areas_reference_invalid", _("区划参考数据文件有误：%(error)s")
