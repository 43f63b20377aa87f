"""The registry's spreadsheet columns and its export through django-import-export (issue 3,
docs/facilities.md).

Columns are Chinese (the district's own registry). The import (`importer.py`, set-based) reads the
same columns, so an exported file comes back unchanged; rows are matched by 名称 + 镇街代码, so
importing the same file again updates those facilities instead of duplicating them.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from import_export import fields, resources, widgets

from hechuan_portal.common.exports import local_time, yes_no

from .models import Facility, FacilityKind, FacilityStatus, Ownership

REQUIRED_COLUMNS = ("名称", "类型", "镇街代码", "经度", "纬度")
CAPACITY_COLUMNS = ("床位总数", "护理型床位", "已用床位", "托位总数", "普惠托位", "已用托位")
OPTIONAL_COLUMNS = (
    "地址",
    "电话",
    *CAPACITY_COLUMNS,
    "营业时间",
    "运营主体",
    "村社区代码",
    "性质",
    "服务内容",
)
# Shown in exports only; ignored when such a file comes back in.
EXPORT_ONLY_COLUMNS = ("镇街", "状态", "容量上报时间", "演示数据")
# The column names in the file's language (an English page exports English headers); marked here
# so the translation files carry them. An import accepts either, and the synonyms below.
_COLUMN_NAMES = (
    gettext_noop("名称"), gettext_noop("类型"), gettext_noop("镇街代码"), gettext_noop("镇街"),
    gettext_noop("村社区代码"), gettext_noop("经度"), gettext_noop("纬度"), gettext_noop("地址"),
    gettext_noop("电话"), gettext_noop("床位总数"), gettext_noop("护理型床位"), gettext_noop("已用床位"),
    gettext_noop("托位总数"), gettext_noop("普惠托位"), gettext_noop("已用托位"), gettext_noop("营业时间"),
    gettext_noop("运营主体"), gettext_noop("性质"), gettext_noop("服务内容"), gettext_noop("状态"),
    gettext_noop("容量上报时间"), gettext_noop("演示数据"),
)  # fmt: skip
_SYNONYMS = {
    "名称": ("设施名称", "机构名称", "name"),
    "类型": ("设施类型", "机构类型", "kind", "type"),
    "镇街代码": ("镇街区划代码", "乡镇街道代码", "town_code"),
    "村社区代码": ("村社区区划代码", "community_code"),
    "经度": ("lng", "lon", "longitude"),
    "纬度": ("lat", "latitude"),
    "电话": ("联系电话", "phone", "telephone"),
    "床位总数": ("床位数", "总床位"),
    "托位总数": ("托位数",),
}


def import_columns() -> dict[str, tuple[str, ...]]:
    """Column name (as the resource has it) → every spelling an import accepts: the Chinese name,
    its English translation and common synonyms; compared after `normalize_header` (units such as
    `（张）`, full-width letters and blanks do not matter)."""
    with translation.override("en"):
        english = {name: str(gettext(name)) for name in _COLUMN_NAMES}
    return {name: (name, english[name], *_SYNONYMS.get(name, ())) for name in _COLUMN_NAMES}


def choice_lookup(choices) -> dict[str, str]:
    """Accept the code, the Chinese label (the district's files), or the label in the active language."""
    lookup = {}
    with translation.override("zh-hans"):
        chinese = [(value, str(label)) for value, label in choices]
    for (value, label), (_value, zh) in zip(choices, chinese, strict=True):
        lookup[str(value)] = value
        lookup[zh] = value
        lookup[str(label)] = value
    return lookup


class ChoiceWidget(widgets.Widget):
    """A choice as its Chinese name: files always carry the district's names, whatever the page language."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def render(self, value, obj=None, **kwargs):
        with translation.override("zh-hans"):
            return str(dict(self.choices).get(value, value or ""))


class CountWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return value if value is not None else ""


class AreaWidget(widgets.Widget):
    """An area by its 12-digit code."""

    def render(self, value, obj=None, **kwargs):
        return getattr(value, "code", "") or ""


class FacilityResource(resources.ModelResource):
    """The registry as a spreadsheet (exports): the rows `actor` may see (SYSTEM: every row)."""

    name = fields.Field(attribute="name", column_name="名称", widget=widgets.CharWidget())
    kind = fields.Field(attribute="kind", column_name="类型", widget=ChoiceWidget(FacilityKind.choices))
    town = fields.Field(attribute="town", column_name="镇街代码", widget=AreaWidget())
    town_name = fields.Field(attribute="town__name", column_name="镇街", readonly=True)
    community = fields.Field(attribute="community", column_name="村社区代码", widget=AreaWidget())
    lng = fields.Field(column_name="经度", readonly=True)
    lat = fields.Field(column_name="纬度", readonly=True)
    address = fields.Field(attribute="address", column_name="地址", widget=widgets.CharWidget())
    phone = fields.Field(attribute="phone", column_name="电话", widget=widgets.CharWidget())
    beds_total = fields.Field(attribute="beds_total", column_name="床位总数", widget=CountWidget())
    beds_nursing = fields.Field(attribute="beds_nursing", column_name="护理型床位", widget=CountWidget())
    beds_occupied = fields.Field(attribute="beds_occupied", column_name="已用床位", widget=CountWidget())
    places_total = fields.Field(attribute="places_total", column_name="托位总数", widget=CountWidget())
    places_inclusive = fields.Field(
        attribute="places_inclusive", column_name="普惠托位", widget=CountWidget()
    )
    places_occupied = fields.Field(attribute="places_occupied", column_name="已用托位", widget=CountWidget())
    opening_hours = fields.Field(
        attribute="opening_hours", column_name="营业时间", widget=widgets.CharWidget()
    )
    operator_name = fields.Field(
        attribute="operator_name", column_name="运营主体", widget=widgets.CharWidget()
    )
    ownership = fields.Field(
        attribute="ownership",
        column_name="性质",
        widget=ChoiceWidget(Ownership.choices),
    )
    services = fields.Field(attribute="services", column_name="服务内容", widget=widgets.CharWidget())
    status = fields.Field(
        attribute="status",
        column_name="状态",
        readonly=True,
        widget=ChoiceWidget(FacilityStatus.choices),
    )
    capacity_reported_at = fields.Field(
        attribute="capacity_reported_at", column_name="容量上报时间", readonly=True
    )
    is_demo = fields.Field(attribute="is_demo", column_name="演示数据", readonly=True)

    class Meta:
        model = Facility
        fields = (
            "name", "kind", "town", "town_name", "community", "lng", "lat", "address", "phone",
            "beds_total", "beds_nursing", "beds_occupied", "places_total", "places_inclusive",
            "places_occupied", "opening_hours", "operator_name", "ownership", "services", "status",
            "capacity_reported_at", "is_demo",
        )  # fmt: skip

    def __init__(self, *, actor, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor

    def get_queryset(self):
        return Facility.objects.visible_to(self.actor).select_related("town")

    # -- export -------------------------------------------------------------------------------
    def dehydrate_lng(self, obj):
        return round(obj.location.x, 6) if obj.location else ""

    def dehydrate_lat(self, obj):
        return round(obj.location.y, 6) if obj.location else ""

    def dehydrate_capacity_reported_at(self, obj):
        return local_time(obj.capacity_reported_at)

    def dehydrate_is_demo(self, obj):
        return yes_no(obj.is_demo)
