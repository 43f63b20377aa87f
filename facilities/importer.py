"""Set-based facility import (issue 21 item 3, docs/performance.md): parse in Python, COPY into a
stage table, check against the database in a few statements, merge with one UPDATE … FROM and one
INSERT … SELECT.

`parse_row` is the one parser: a pure function from a file row (cells by the resource's column
names) to the stage row or the row's errors (line, column, message). The rows that parse go into a
temporary table by `COPY`; `stage_problems` then checks all of them at once against the database:
towns and communities exist and lie in the uploader's scope, the point lies inside its town's
boundary, the merged figures (the file's columns over the facility's current values) satisfy the
kind rules and the capacity constraints, and a facility whose 托位 come from its childcare classes
keeps them (ErrorCode.PLACES_FROM_CLASSES, as the form and `facility_update`). `merge` writes.
Column names (SQL identifiers) come from this module, never from the file.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext as _

from hechuan_portal.areas.models import AdminArea, AreaLevel

from . import standards
from .error_codes import ErrorCode
from .models import (
    CHILDCARE_KINDS,
    ELDER_KINDS,
    Facility,
    FacilityKind,
    FacilityStatus,
    FacilityStatusChange,
    Ownership,
)
from .resources import CAPACITY_COLUMNS, choice_lookup

STAGE = "facilities_import_stage"
LOCATION_COLUMN = "经度/纬度"
# File column → model attribute, for the columns an import writes (besides 名称, 镇街代码 and the point).
TEXT_COLUMNS = {
    "地址": "address",
    "电话": "phone",
    "营业时间": "opening_hours",
    "运营主体": "operator_name",
    "服务内容": "services",
}
COUNT_COLUMNS = {
    "床位总数": "beds_total",
    "护理型床位": "beds_nursing",
    "已用床位": "beds_occupied",
    "托位总数": "places_total",
    "普惠托位": "places_inclusive",
    "已用托位": "places_occupied",
}
COLUMN_OF = {
    "name": "名称",
    "kind": "类型",
    "town_id": "镇街代码",
    "community_id": "村社区代码",
    "ownership": "性质",
    **{attr: col for col, attr in TEXT_COLUMNS.items()},
    **{attr: col for col, attr in COUNT_COLUMNS.items()},
}
STAGE_COLUMNS = (
    "line", "name", "kind", "town_id", "community_id", "lng", "lat", "ownership", "reported",
    *TEXT_COLUMNS.values(), *COUNT_COLUMNS.values(),
)  # fmt: skip


@functools.cache
def _lookups(language: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """Kinds and ownerships by code, Chinese name or name in the page's language."""
    return choice_lookup(FacilityKind.choices), choice_lookup(Ownership.choices)


_MAX_LENGTH = {
    attr: getattr(Facility._meta.get_field(attr), "max_length", None) or math.inf
    for attr in ("name", *TEXT_COLUMNS.values())
}


@dataclass
class Problem:
    line: int
    column: str
    message: str


def area_code(value: str) -> str:
    code = value.strip()
    return code + "000" if len(code) == 9 and code.isdigit() else code


def _count(value: str) -> int:
    """A whole number 0–100000; blank is 0 (the resource's CountWidget)."""
    if not value.strip():
        return 0
    try:
        number = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("“%(value)s”不是整数") % {"value": value}) from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0 or number > 100000:
        raise ValueError(_("“%(value)s”应为 0–100000 的整数") % {"value": value})
    return int(number)


def _point(raw_lng: str, raw_lat: str) -> tuple[float, float]:
    raw_lng, raw_lat = raw_lng.strip(), raw_lat.strip()
    if not raw_lng or not raw_lat:
        raise ValueError(_("经度和纬度不能为空"))
    try:
        lng, lat = float(raw_lng), float(raw_lat)
    except ValueError:
        lng = lat = math.nan
    if not (math.isfinite(lng) and math.isfinite(lat)):
        raise ValueError(_("经纬度“%(lng)s, %(lat)s”不是数字") % {"lng": raw_lng, "lat": raw_lat})
    if standards.looks_swapped(lng, lat):
        raise ValueError(str(ErrorCode.LOCATION_SWAPPED.label))
    if not standards.in_district_extent(lng, lat):
        raise ValueError(str(ErrorCode.LOCATION_OUTSIDE_DISTRICT.label) % {"lng": lng, "lat": lat})
    return lng, lat


def parse_row(line: int, row: dict[str, str]) -> tuple[tuple | None, list[Problem]]:
    """(the stage row in STAGE_COLUMNS order, or None; the row's problems). Pure: no database.

    `row` holds the file's columns only (by the resource's Chinese names); a column the file lacks
    is written as its default for a new facility and left alone for an existing one (`merge`)."""
    problems: list[Problem] = []
    kinds, ownerships = _lookups(translation.get_language())

    def bad(column: str, message: str) -> None:
        problems.append(Problem(line, column, message))

    name = row.get("名称", "").strip()
    if not name:
        bad("名称", _("名称不能为空"))
    raw_kind = row.get("类型", "").strip()
    kind = kinds.get(raw_kind)
    if not raw_kind:
        bad("类型", _("%(what)s不能为空") % {"what": _("类型")})
    elif kind is None:
        bad("类型", _("%(what)s“%(value)s”无法识别") % {"what": _("类型"), "value": raw_kind})
    town = area_code(row.get("镇街代码", ""))
    if not town:
        bad("镇街代码", _("%(what)s不能为空") % {"what": _("镇街代码")})
    community = area_code(row.get("村社区代码", "")) or None
    raw_ownership = row.get("性质", "").strip()
    ownership = ownerships.get(raw_ownership) if raw_ownership else None
    if raw_ownership and ownership is None:
        bad("性质", _("%(what)s“%(value)s”无法识别") % {"what": _("性质"), "value": raw_ownership})
    lng = lat = 0.0
    try:
        lng, lat = _point(row.get("经度", ""), row.get("纬度", ""))
    except ValueError as exc:
        bad(LOCATION_COLUMN, str(exc))
    texts = [row.get(column, "").strip() for column in TEXT_COLUMNS]
    for attr, text in (("name", name), *zip(TEXT_COLUMNS.values(), texts, strict=True)):
        if len(text) > _MAX_LENGTH[attr]:
            bad(
                COLUMN_OF[attr],
                # Django's own sentence (translated by Django): no new string to keep in step.
                str(MaxLengthValidator.message % {"limit_value": _MAX_LENGTH[attr], "show_value": len(text)}),
            )
    counts = []
    for column in COUNT_COLUMNS:
        try:
            counts.append(_count(row.get(column, "")))
        except ValueError as exc:
            bad(column, str(exc))
    if problems:
        return None, problems
    reported = any(row.get(c, "").strip() for c in CAPACITY_COLUMNS)
    return (line, name, kind, town, community, lng, lat, ownership, reported, *texts, *counts), []


# -- the stage and the checks ---------------------------------------------------------------------


def create_stage(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    counts = ", ".join(f"{attr} integer NOT NULL" for attr in COUNT_COLUMNS.values())
    texts = ", ".join(f"{attr} text NOT NULL" for attr in TEXT_COLUMNS.values())
    cursor.execute(
        f"""CREATE TEMP TABLE {STAGE} (
            line integer PRIMARY KEY, name text NOT NULL, kind text NOT NULL, town_id text NOT NULL,
            community_id text, lng double precision NOT NULL, lat double precision NOT NULL,
            ownership text, reported boolean NOT NULL, {texts}, {counts},
            facility_id bigint, changed boolean NOT NULL DEFAULT true
        ) ON COMMIT DROP"""
    )


def drop_stage(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


def copy_rows(cursor, rows: Iterable[tuple]) -> None:
    with cursor.copy(f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


_POINT = "ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326)"


def _merged(attr: str, present: set[str]) -> str:
    """SQL for the value a facility will have after the merge: the file's, else its current one."""
    if COLUMN_OF[attr] in present:
        return f"s.{attr}"
    return f"COALESCE(f.{attr}, 0)" if attr in COUNT_COLUMNS.values() else f"f.{attr}"


def match_existing(cursor, present: set[str]) -> None:
    """Link each stage row to the facility of the same name in the same town, and mark whether the
    file changes it (the point compared to 1e-9 degrees, as the export writes six decimals)."""
    facility = Facility._meta.db_table
    differs = [
        "NOT (abs(ST_X(f.location::geometry) - s.lng) < 1e-9 AND abs(ST_Y(f.location::geometry) - s.lat) < 1e-9)",
        "s.kind <> f.kind",
        "(s.ownership IS NOT NULL AND s.ownership <> f.ownership)" if "性质" in present else "",
        "s.community_id IS DISTINCT FROM f.community_id" if "村社区代码" in present else "",
        *(
            f"s.{attr} <> f.{attr}"
            for col, attr in {**TEXT_COLUMNS, **COUNT_COLUMNS}.items()
            if col in present
        ),
    ]
    cursor.execute(
        f"""UPDATE {STAGE} s SET facility_id = f.id, changed = ({" OR ".join(d for d in differs if d)})
        FROM {facility} f WHERE f.town_id = s.town_id AND f.name = s.name"""
    )


def stage_problems(cursor, present: set[str], allowed_town: str | None) -> list[Problem]:
    """Every problem the database can tell, in a single statement over the stage."""
    facility, area = Facility._meta.db_table, AdminArea._meta.db_table
    classes = Facility._meta.get_field("classes").related_model._meta.db_table  # type: ignore[union-attr]
    m = {attr: _merged(attr, present) for attr in COUNT_COLUMNS.values()}
    elder, childcare = sorted(ELDER_KINDS), sorted(CHILDCARE_KINDS)
    places_typed = [
        f"s.{a} <> f.{a}" for c, a in COUNT_COLUMNS.items() if c in present and a.startswith("places")
    ]
    checks = {
        "town_missing": "t.code IS NULL",
        "town_scope": "t.code IS NOT NULL AND %(allowed)s::text IS NOT NULL AND s.town_id <> %(allowed)s",
        "community_missing": "s.community_id IS NOT NULL AND c.code IS NULL",
        "community_scope": "c.code IS NOT NULL AND %(allowed)s::text IS NOT NULL AND c.parent_id <> %(allowed)s",
        "community_town": "c.code IS NOT NULL AND t.code IS NOT NULL AND c.parent_id <> s.town_id",
        "outside_town": f"t.boundary IS NOT NULL AND NOT ST_Intersects(t.boundary, {_POINT})",
        "beds_kind": f"s.kind = ANY(%(childcare)s) AND ({m['beds_total']} + {m['beds_nursing']} + {m['beds_occupied']}) > 0",
        "places_kind": f"s.kind = ANY(%(elder)s) AND ({m['places_total']} + {m['places_inclusive']} + {m['places_occupied']}) > 0",
        "nursing": f"{m['beds_nursing']} > {m['beds_total']}",
        "beds_occupied": f"{m['beds_occupied']} > {m['beds_total']}",
        "inclusive": f"{m['places_inclusive']} > {m['places_total']}",
        "places_occupied": f"{m['places_occupied']} > {m['places_total']}",
        "subtype": "f.canteen_subtype <> '' AND s.kind <> 'elder_canteen'",
        "from_classes": (
            f"({' OR '.join(places_typed)}) AND EXISTS (SELECT 1 FROM {classes} k WHERE k.facility_id = f.id)"
            if places_typed
            else "false"
        ),
    }
    flags = ", ".join(f"COALESCE({sql}, false)" for sql in checks.values())
    cursor.execute(
        f"""SELECT * FROM (
            SELECT s.line, s.town_id, s.community_id, t.name, {flags}
            FROM {STAGE} s
            LEFT JOIN {area} t ON t.code = s.town_id AND t.level = %(town)s
            LEFT JOIN {area} c ON c.code = s.community_id AND c.level = %(community)s
            LEFT JOIN {facility} f ON f.id = s.facility_id
        ) x ORDER BY 1""",
        {
            "allowed": allowed_town,
            "town": AreaLevel.TOWN.value,
            "community": AreaLevel.COMMUNITY.value,
            "elder": elder,
            "childcare": childcare,
        },
    )
    problems: list[Problem] = []
    for line, town, community, town_name, *found in cursor.fetchall():
        if not any(found):
            continue
        hit = dict(zip(checks, found, strict=True))
        problems.extend(_messages(line, town, community, town_name, hit))
    return problems


def _messages(line: int, town: str, community: str | None, town_name: str, hit: dict[str, bool]):
    def code(error: ErrorCode, **params: Any) -> str:
        return str(error.label) % params if params else str(error.label)

    capacity = {c.name: str(c.violation_error_message) for c in Facility._meta.constraints}
    table = (
        ("town_missing", "镇街代码", lambda: _("%(what)s“%(code)s”不存在") % {"what": _("镇街代码"), "code": town}),
        ("town_scope", "镇街代码", lambda: _("%(what)s“%(code)s”不在您的管辖范围内") % {"what": _("镇街代码"), "code": town}),
        ("community_missing", "村社区代码", lambda: _("%(what)s“%(code)s”不存在") % {"what": _("村社区代码"), "code": community}),
        ("community_scope", "村社区代码", lambda: _("%(what)s“%(code)s”不在您的管辖范围内") % {"what": _("村社区代码"), "code": community}),
        ("community_town", "村社区代码", lambda: code(ErrorCode.COMMUNITY_NOT_IN_TOWN, community=community, town=town_name)),
        ("outside_town", LOCATION_COLUMN, lambda: code(ErrorCode.LOCATION_OUTSIDE_TOWN, town=town_name)),
        ("beds_kind", "床位总数", lambda: code(ErrorCode.BEDS_NOT_FOR_KIND)),
        ("places_kind", "托位总数", lambda: code(ErrorCode.PLACES_NOT_FOR_KIND)),
        ("nursing", "护理型床位", lambda: capacity["facilities_facility_nursing_beds_le_total"]),
        ("beds_occupied", "已用床位", lambda: capacity["facilities_facility_beds_occupied_le_total"]),
        ("inclusive", "普惠托位", lambda: capacity["facilities_facility_inclusive_le_total"]),
        ("places_occupied", "已用托位", lambda: capacity["facilities_facility_places_occupied_le_total"]),
        ("subtype", "类型", lambda: code(ErrorCode.SUBTYPE_ONLY_CANTEEN)),
        ("from_classes", "托位总数", lambda: code(ErrorCode.PLACES_FROM_CLASSES)),
    )  # fmt: skip
    return [Problem(line, column, text()) for key, column, text in table if hit[key]]


def counts(cursor) -> tuple[int, int, int]:
    """(new, changed, unchanged) rows of the stage."""
    cursor.execute(
        f"""SELECT count(*) FILTER (WHERE facility_id IS NULL),
                   count(*) FILTER (WHERE facility_id IS NOT NULL AND changed),
                   count(*) FILTER (WHERE facility_id IS NOT NULL AND NOT changed)
            FROM {STAGE}"""
    )
    return cursor.fetchone()


def preview(cursor, limit: int) -> list[dict]:
    cursor.execute(
        f"""SELECT line, CASE WHEN facility_id IS NULL THEN 'new' WHEN changed THEN 'update' ELSE 'skip' END,
                   name FROM {STAGE} ORDER BY line LIMIT %s""",
        [limit],
    )
    return [{"line": line, "type": kind, "name": name} for line, kind, name in cursor.fetchall()]


def drop_lines(cursor, lines: list[int]) -> None:
    cursor.execute(f"DELETE FROM {STAGE} WHERE line = ANY(%s)", [lines])


def merge(cursor, present: set[str], *, actor_id: int | None, now: dt.datetime, reason: str) -> None:
    """Write the stage: one UPDATE … FROM of the changed facilities, one INSERT … SELECT of the new
    ones with the first entry of their status history (the same statement)."""
    facility, history = Facility._meta.db_table, FacilityStatusChange._meta.db_table
    written = {attr for col, attr in {**TEXT_COLUMNS, **COUNT_COLUMNS}.items() if col in present}
    sets = [f"{attr} = s.{attr}" for attr in sorted(written)]
    if "村社区代码" in present:
        sets.append("community_id = s.community_id")
    cursor.execute(
        f"""UPDATE {facility} f SET {", ".join(sets + [""])}
            kind = s.kind, ownership = COALESCE(s.ownership, f.ownership),
            location = {_POINT}::geography,
            capacity_reported_at = CASE WHEN s.reported THEN %(now)s ELSE f.capacity_reported_at END,
            updated_at = %(now)s
        FROM {STAGE} s WHERE f.id = s.facility_id AND s.changed""",
        {"now": now},
    )
    columns: list[str] = []
    values: list[str] = []
    params: dict[str, Any] = {"now": now, "actor": actor_id, "reason": reason}
    for field in Facility._meta.concrete_fields:
        if field.primary_key or field.column is None:
            continue
        column: str = field.column
        if column in written or column in ("name", "kind", "town_id"):
            value = f"s.{column}"
        elif column == "community_id":
            value = "s.community_id"
        elif column == "ownership":
            value = "COALESCE(s.ownership, %(ownership)s)"
            params["ownership"] = field.get_default()
        elif column == "location":
            value = f"{_POINT}::geography"
        elif column == "status":
            value = "%(operating)s"
            params["operating"] = FacilityStatus.OPERATING.value
        elif column == "capacity_reported_at":
            value = "CASE WHEN s.reported THEN %(now)s END"
        elif column in ("created_at", "updated_at"):
            value = "%(now)s"
        else:
            value = f"%({column})s"
            params[column] = field.get_default()
        columns.append(column)
        values.append(value)
    cursor.execute(
        f"""WITH created AS (
            INSERT INTO {facility} ({", ".join(columns)})
            SELECT {", ".join(values)} FROM {STAGE} s WHERE s.facility_id IS NULL ORDER BY s.line
            RETURNING id
        )
        INSERT INTO {history} (facility_id, from_status, to_status, actor_id, at, reason)
        SELECT id, '', %(operating)s, %(actor)s, %(now)s, %(reason)s FROM created""",
        {**params, "operating": FacilityStatus.OPERATING.value},
    )
