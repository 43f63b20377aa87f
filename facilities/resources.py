"""Spreadsheet import/export of the registry through django-import-export (issue 3, docs/facilities.md).

Columns are Chinese (the district's own registry); the same resource serves the staff import page,
`import_facilities` and the exports. Rows are matched by 名称 + 镇街代码, so importing the same file
again updates those facilities instead of duplicating them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.gis.geos import Point
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from hechuan_portal.accounts.roles import SYSTEM, audit_user
from hechuan_portal.accounts.scope import scope_for
from hechuan_portal.areas.models import AdminArea, AreaLevel
from hechuan_portal.common.exports import local_time, yes_no

from .models import Facility, FacilityKind, FacilityStatus, FacilityStatusChange, Ownership

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


def _choice_lookup(choices) -> dict[str, str]:
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
    def __init__(self, choices, what: str, required: bool = True):
        super().__init__()
        self.choices = choices
        self.what = what
        self.required = required

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip() if isinstance(value, str) else value
        if not value:
            if self.required:
                raise ValueError(_("%(what)s不能为空") % {"what": self.what})
            return None
        found = _choice_lookup(self.choices).get(str(value))
        if found is None:
            raise ValueError(_("%(what)s“%(value)s”无法识别") % {"what": self.what, "value": value})
        return found

    def render(self, value, obj=None, **kwargs):
        # Files always carry the Chinese names (the district's format), whatever the page language.
        with translation.override("zh-hans"):
            return str(dict(self.choices).get(value, value or ""))


class CountWidget(widgets.Widget):
    """A non-negative whole number; blank is 0."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return 0
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("“%(value)s”不是整数") % {"value": value}) from None
        if number != number.to_integral_value() or number < 0 or number > 100000:
            raise ValueError(_("“%(value)s”应为 0–100000 的整数") % {"value": value})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value if value is not None else ""


class AreaWidget(widgets.Widget):
    """A 12-digit area code (9 digits are completed with 000) of the given level, in the user's scope."""

    def __init__(self, level: str, what: str, required: bool, allowed_towns: set[str] | None):
        super().__init__()
        self.level = level
        self.what = what
        self.required = required
        self.allowed_towns = allowed_towns  # None: every town
        self._cache: dict[str, AdminArea | None] = {}

    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        if not code:
            if self.required:
                raise ValueError(_("%(what)s不能为空") % {"what": self.what})
            return None
        if len(code) == 9 and code.isdigit():
            code += "000"
        if code not in self._cache:
            self._cache[code] = AdminArea.objects.filter(code=code, level=self.level).first()
        area = self._cache[code]
        if area is None:
            raise ValueError(_("%(what)s“%(code)s”不存在") % {"what": self.what, "code": code})
        town_code = area.code if self.level == AreaLevel.TOWN else area.parent_id
        if self.allowed_towns is not None and town_code not in self.allowed_towns:
            raise ValueError(_("%(what)s“%(code)s”不在您的管辖范围内") % {"what": self.what, "code": code})
        return area

    def render(self, value, obj=None, **kwargs):
        return getattr(value, "code", "") or ""


class FacilityResource(resources.ModelResource):
    """The registry as a spreadsheet. `actor` limits towns to its scope (SYSTEM: the command, everywhere)."""

    name = fields.Field(attribute="name", column_name="名称", widget=widgets.CharWidget())
    kind = fields.Field(
        attribute="kind", column_name="类型", widget=ChoiceWidget(FacilityKind.choices, "类型")
    )
    town = fields.Field(attribute="town", column_name="镇街代码")
    town_name = fields.Field(attribute="town__name", column_name="镇街", readonly=True)
    community = fields.Field(attribute="community", column_name="村社区代码")
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
        widget=ChoiceWidget(Ownership.choices, "性质", required=False),
    )
    services = fields.Field(attribute="services", column_name="服务内容", widget=widgets.CharWidget())
    status = fields.Field(
        attribute="status",
        column_name="状态",
        readonly=True,
        widget=ChoiceWidget(FacilityStatus.choices, "状态"),
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
        import_id_fields = ("name", "town")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_bulk = True
        batch_size = 500

    def __init__(self, *, actor, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        scope = scope_for(actor)
        allowed = None if scope.everything else ({scope.town_code} if scope.town_code else set())
        self.fields["town"].widget = AreaWidget(AreaLevel.TOWN, "镇街代码", True, allowed)
        self.fields["community"].widget = AreaWidget(AreaLevel.COMMUNITY, "村社区代码", False, allowed)
        self._seen: dict[tuple[str, str], int] = {}
        self.now = timezone.now()
        # The file line of each row of the dataset being imported (a file is imported in chunks,
        # with title rows above its header): row_number 1 is lines[0].
        self.lines: list[int] = []

    def line_of(self, row_number: int) -> int:
        if 0 < row_number <= len(self.lines):
            return self.lines[row_number - 1]
        return row_number + 1

    def get_queryset(self):
        return Facility.objects.visible_to(self.actor).select_related("town")

    # -- import -------------------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        missing = [c for c in REQUIRED_COLUMNS if c not in (dataset.headers or [])]
        if missing:
            raise ValidationError(_("缺少必填列：%(columns)s") % {"columns": "、".join(missing)})

    def before_import_row(self, row, **kwargs):
        town_code = str(row.get("镇街代码") or "").strip()
        if len(town_code) == 9 and town_code.isdigit():
            town_code += "000"
        key = (str(row.get("名称") or "").strip(), town_code)
        line = self.line_of(kwargs.get("row_number", 0))
        first = self._seen.setdefault(key, line)
        if key[0] and first != line:
            raise ValidationError(
                _("与第 %(line)d 行重复（同一镇街的同名设施）") % {"line": first}, code="duplicate"
            )
        try:
            self.fields["town"].widget.clean(row.get("镇街代码"))
        except ValueError as exc:
            # Checked here so a bad code is reported against its column (the instance loader would
            # otherwise fail the row without naming it).
            raise ValidationError({"town": [str(exc)]}) from None
        for column in ("名称", "地址", "电话", "营业时间", "运营主体", "服务内容"):
            if isinstance(row.get(column), str):
                row[column] = row[column].strip()

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            instance.location = self._point(row)
        except ValueError as exc:
            errors["location"] = [ValidationError(str(exc), code="invalid")]
        if not instance.name:
            errors.setdefault("name", []).append(ValidationError(_("名称不能为空"), code="required"))
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _point(row) -> Point:
        raw_lng, raw_lat = str(row.get("经度") or "").strip(), str(row.get("纬度") or "").strip()
        if not raw_lng or not raw_lat:
            raise ValueError(_("经度和纬度不能为空"))
        try:
            return Point(float(raw_lng), float(raw_lat), srid=4326)
        except ValueError:
            raise ValueError(
                _("经纬度“%(lng)s, %(lat)s”不是数字") % {"lng": raw_lng, "lat": raw_lat}
            ) from None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        # Foreign keys compare by their codes, the point by its coordinates.
        names = [
            f"{f.attribute}_id" if f.attribute in ("town", "community") else f.attribute
            for f in self.get_import_fields()
            if f.attribute and not f.readonly
        ]
        same = all(getattr(instance, name, None) == getattr(original, name, None) for name in names)
        return same and instance.location.equals_exact(original.location, 1e-9)

    def before_save_instance(self, instance, row, **kwargs):
        if any(str(row.get(c) or "").strip() for c in CAPACITY_COLUMNS if c in row):
            instance.capacity_reported_at = self.now
        if instance.pk is None:
            # The district's existing registry lists facilities that are open.
            instance.status = FacilityStatus.OPERATING

    def get_bulk_update_fields(self):
        return [*WRITABLE_ATTRIBUTES, "location", "capacity_reported_at"]

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors():
            return
        # Every facility starts its status history; bulk_create gave the new rows their keys.
        created = [i.pk for i in getattr(self, "_created_log", []) if i.pk is not None]
        FacilityStatusChange.objects.bulk_create(
            FacilityStatusChange(
                facility_id=pk,
                from_status="",
                to_status=FacilityStatus.OPERATING,
                actor=audit_user(self.actor),
                reason=_("表格导入"),
            )
            for pk in created
        )
        self._created_log = []  # the next chunk of the same file starts its own list

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # Keep the created instances: with use_bulk the row results carry no primary keys.
        self._created_log = [*getattr(self, "_created_log", []), *self.create_instances]
        return super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)

    # -- export -------------------------------------------------------------------------------
    def dehydrate_lng(self, obj):
        return round(obj.location.x, 6) if obj.location else ""

    def dehydrate_lat(self, obj):
        return round(obj.location.y, 6) if obj.location else ""

    def dehydrate_capacity_reported_at(self, obj):
        return local_time(obj.capacity_reported_at)

    def dehydrate_is_demo(self, obj):
        return yes_no(obj.is_demo)


WRITABLE_ATTRIBUTES = [
    f.attribute
    for name, f in FacilityResource.fields.items()
    if f.attribute and not f.readonly and name not in FacilityResource._meta.import_id_fields
]


def _texts(messages) -> list[str]:
    """Plain sentences from a list of messages or ValidationErrors (never a Python list's repr)."""
    out: list[str] = []
    for message in messages:
        if isinstance(message, ValidationError):
            out.extend(str(m) for m in message.messages)
        else:
            out.append(str(message))
    return out


def row_errors(result, lines: list[int] | None = None) -> list[tuple[int, str, list[str]]]:
    """Every bad row of an import result as (line in the file, column, messages), in file order.

    Line numbers are those a person sees in the spreadsheet (`lines`: the file line of each
    dataset row; without it the header is line 1).
    """
    resource = FacilityResource(actor=SYSTEM)
    resource.lines = lines or []
    column_of = {f.attribute: f.column_name for f in resource.fields.values() if f.attribute}
    column_of["location"] = "经度/纬度"
    out: list[tuple[int, str, list[str]]] = []
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            column = "" if field == NON_FIELD_ERRORS else column_of.get(field, field)
            out.append((resource.line_of(invalid.number), column, _texts(messages)))
    for number, errors in result.row_errors():
        out.append((resource.line_of(number), "", _texts(e.error for e in errors)))
    out.extend((1, "", _texts([e.error])) for e in result.base_errors)
    return sorted(out, key=lambda item: item[0])
