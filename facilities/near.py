"""The residents' `near` search: one parser, one statement, one page.

The statement is the ORM's own: the SQL of `Facility.objects.public().nearby(point, radius)` with the
public columns (`selectors.public_values`) and `COUNT(*) OVER ()`, compiled once per shape (the number
of kinds asked for) and run with the point, the radius, its box and the kinds substituted. Compiling
the queryset on every request cost more than running it (docs/performance.md, "near"). The compiled
statement is found by sentinel values: if a Django upgrade changes what the compiler emits, the
compilation fails loudly (`NearStatementError`) and facilities/tests/test_near.py says so.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
import psycopg.sql
from django.contrib.gis.db.backends.postgis.adapter import PostGISAdapter
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Count, QuerySet, Window
from django.utils import timezone

from hechuan_portal.common.errors import CommonCode, PortalError

from . import standards
from .error_codes import ErrorCode
from .models import Facility, FacilityKind

# The residents' page: 10 results with 更多 (issue 19), in the finder and the API alike. A longer page
# was most of the search's own cost: each row is read, built and encoded (bench_http: 32 KB at 2 km).
DEFAULT_LIMIT = 10
MAX_LIMIT = 500
# Past any real page, and below PostgreSQL's bigint: a larger offset answers the same empty page.
MAX_OFFSET = 1_000_000_000
# 营业中 reads free-text opening hours in Python (standards.opening_hours_open): the search reads at most
# this many of the nearest candidates with hours, then pages what is open. Within a walking radius there
# are a few dozen; a 50 km search of "everything open" is answered from the nearest 2,000.
OPEN_SCAN_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class NearQuery:
    """Open facilities within `radius` metres of (lng, lat), of `kinds` (all kinds when empty)."""

    lng: float
    lat: float
    radius: float = float(standards.DEFAULT_NEAR_RADIUS_M)
    kinds: tuple[str, ...] = ()
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    open_now: bool = False  # 营业中: open now by the opening hours (standards.opening_hours_open)
    vacant: bool = False  # 有空位: Facility.objects.fresh_vacancy()
    at: dt.datetime | None = None  # the moment 营业中 is asked about (None: now)

    @property
    def point(self) -> Point:
        return Point(self.lng, self.lat, srid=4326)


@dataclass(frozen=True, slots=True)
class NearPage:
    count: int
    rows: list[dict[str, Any]]  # api.serializers.public_rows


class NearStatementError(RuntimeError):
    """Django's compiler no longer emits the statement this module substitutes values into."""


# -- parsing: the one reading of near / radius (the FilterSet's fields call these too) ------------


def parse_point(value: str) -> tuple[float, float]:
    """`LNG,LAT` (WGS 84) → (lng, lat); anything else is the `invalid_near` error."""
    try:
        return standards.parse_near(value)
    except ValueError:
        raise PortalError(ErrorCode.INVALID_NEAR, field="near") from None


def parse_radius(value: str | float | None) -> float:
    """Metres, 1 to MAX_NEAR_RADIUS_M (empty: the default); anything else is `invalid_radius`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return float(standards.DEFAULT_NEAR_RADIUS_M)
    try:
        radius = float(value)
    except (TypeError, ValueError):
        radius = math.nan
    if not (math.isfinite(radius) and 1 <= radius <= standards.MAX_NEAR_RADIUS_M):
        raise PortalError(
            ErrorCode.INVALID_RADIUS, field="radius", params={"max": standards.MAX_NEAR_RADIUS_M}
        )
    return radius


def _count(value: str | None, default: int, ceiling: int) -> int:
    """A page parameter as LimitOffsetPagination reads it: a bad value is the default."""
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return min(number, ceiling) if number >= 0 else default


_TRUE = frozenset({"1", "true", "on", "yes"})
_FALSE = frozenset({"", "0", "false", "off", "no"})


def parse_flag(params: Mapping[str, str], name: str) -> bool:
    """A yes/no parameter (`open=1`, `vacant=true`); anything else is `invalid` on that field."""
    value = (params.get(name) or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise PortalError(CommonCode.INVALID, field=name)


def parse_near_query(params: Mapping[str, str]) -> NearQuery:
    """The residents' search from query parameters: near (required), radius, kind, need, open,
    vacant, limit, offset. Raises PortalError naming the parameter at fault."""
    from .filters import NEEDS

    lng, lat = parse_point(params.get("near", ""))
    radius = parse_radius(params.get("radius"))
    kinds: set[str] = set()
    kind = params.get("kind") or ""
    if kind:
        if kind not in FacilityKind.values:
            raise PortalError(CommonCode.INVALID, field="kind")
        kinds.add(kind)
    need = params.get("need") or ""
    if need:
        if need not in NEEDS:
            raise PortalError(CommonCode.INVALID, field="need")
        needed = NEEDS[need][1]
        # kind and need together: the kinds that are both (none, if they disagree).
        kinds = (kinds & needed or {""}) if kind else set(needed)
    limit = _count(params.get("limit"), DEFAULT_LIMIT, MAX_LIMIT) or DEFAULT_LIMIT
    offset = _count(params.get("offset"), 0, MAX_OFFSET)
    open_now, vacant = parse_flag(params, "open"), parse_flag(params, "vacant")
    return NearQuery(lng, lat, radius, tuple(sorted(kinds)), limit, offset, open_now, vacant)


# -- the statement ------------------------------------------------------------------------------


def queryset(query: NearQuery) -> QuerySet:
    """The search as a queryset: public columns, distance and the total on every row, nearest
    first (no page: search adds LIMIT/OFFSET as parameters)."""
    from .selectors import public_values

    qs = Facility.objects.public().nearby(query.point, query.radius)
    if query.kinds:
        qs = qs.filter(kind__in=list(query.kinds))
    if query.vacant:
        qs = qs.fresh_vacancy()
    if query.open_now:
        qs = qs.exclude(opening_hours="")
    return public_values(qs).annotate(total=Window(Count("id")))


# Sentinels: values no real request uses, located in the compiled parameters and replaced per call.
_SENTINEL = NearQuery(lng=106.123456789, lat=30.987654321, radius=1234.5678)


def _sentinel_kinds(n: int) -> tuple[str, ...]:
    return tuple(f"\x00kind{i}" for i in range(n))


@dataclass(frozen=True, slots=True)
class _Statement:
    sql: str  # the constants written in; a placeholder for each of `slots`, then LIMIT and OFFSET
    slots: tuple[str, ...]  # what goes in each placeholder, in order
    columns: tuple[str, ...]


_Shape = tuple[int, bool, bool]  # (number of kinds, vacant, open_now): what changes the SQL
_statements: dict[_Shape, _Statement] = {}


def _shape(query: NearQuery) -> _Shape:
    return len(query.kinds), query.vacant, query.open_now


def compile_statement(shape: _Shape) -> _Statement:
    """Compile the search of one shape and locate where each value goes."""
    n_kinds, vacant, open_now = shape
    connection.ensure_connection()  # the constants are quoted by the connection's adapters
    sentinel = NearQuery(
        _SENTINEL.lng,
        _SENTINEL.lat,
        _SENTINEL.radius,
        kinds=_sentinel_kinds(n_kinds),
        vacant=vacant,
        open_now=open_now,
    )
    qs = queryset(sentinel)
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    columns = tuple(alias for _expr, _sql, alias in compiler.select)
    roles: dict[Any, str] = dict(zip(_box(sentinel), ("west", "south", "east", "north"), strict=True))
    roles[sentinel.radius] = "radius"
    roles.update({kind: f"kind{i}" for i, kind in enumerate(sentinel.kinds)})
    point = PostGISAdapter(sentinel.point, geography=True)
    slots: list[tuple[int, str]] = []
    for index, param in enumerate(params):
        if isinstance(param, PostGISAdapter):
            if param == point:
                # The distance sends it as geography, the ST_DWithin lookup as geometry (cast to
                # geography by PostgreSQL); the search binds the geography once for both.
                slots.append((index, "point"))
        elif isinstance(param, (str, float)) and param in roles:
            slots.append((index, roles[param]))
    found = sorted(role for _i, role in slots)
    expected = sorted([*roles.values(), "point", "point"])
    if found != expected or not sql.rstrip().endswith("ASC") or "LIMIT" in sql or None in columns:
        raise NearStatementError(
            f"Django's SQL for the near search changed: expected {expected}, found {found} in {sql!r}"
        )
    sql, roles_in_order = _inline_constants(sql, params, dict(slots))
    return _Statement(f"{sql} LIMIT %s OFFSET %s", roles_in_order, columns)


_PLACEHOLDER = re.compile(r"%%|%s")


def _inline_constants(sql: str, params: Sequence[Any], slots: Mapping[int, str]) -> tuple[str, tuple[str, ...]]:
    """Write the statement's constants (the public statuses, the SRID, the vacancy age) into its text,
    leaving placeholders only for the request's values. PostgreSQL then plans the prepared statement
    once for every request (a generic plan): with the statuses as parameters it could not prove the
    partial index facilities_open_lnglat_gist applies, kept custom plans and planned every call."""
    raw = connection.connection
    position = 0
    roles: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        nonlocal position
        if match.group() == "%%":
            return "%%"
        index, position = position, position + 1
        if index in slots:
            roles.append(slots[index])
            return "%s"
        return psycopg.sql.Literal(params[index]).as_string(raw).replace("%", "%%")

    text = _PLACEHOLDER.sub(substitute, sql)
    if position != len(params):
        raise NearStatementError(f"{position} placeholders for {len(params)} parameters in {sql!r}")
    return text, tuple(roles)


def _box(query: NearQuery) -> tuple[float, float, float, float]:
    return standards.near_box(query.lng, query.lat, query.radius)


def _statement(shape: _Shape) -> _Statement:
    statement = _statements.get(shape)
    if statement is None:
        statement = _statements[shape] = compile_statement(shape)
    return statement


class _PreparedCursor(psycopg.Cursor):
    """A server-binding cursor whose statements PostgreSQL prepares once per connection (psycopg keeps
    them by their text): the search is planned once, not on every request. Django's own cursors bind
    on the client and never prepare (PgBouncer ≥ 1.21 in transaction mode tracks protocol-level
    prepared statements, so the search stays poolable)."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None):  # type: ignore[override]
        return super().execute(query, params, prepare=True, binary=binary)


def _prepared_cursor() -> Any:
    """A `_PreparedCursor` on Django's connection, wrapped like Django's own (query log, errors)."""
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django turns psycopg's automatic preparing off (None also refuses prepare=True); a threshold
        # no query reaches keeps it off for everything but this cursor's explicit prepare=True.
        connection.connection.prepare_threshold = 2**31 - 1
    raw = _PreparedCursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def _run(query: NearQuery, limit: int, offset: int) -> list[dict[str, Any]]:
    statement = _statement(_shape(query))
    west, south, east, north = _box(query)
    values: dict[str, Any] = {
        "point": PostGISAdapter(query.point, geography=True),
        "radius": query.radius,
        "west": west,
        "south": south,
        "east": east,
        "north": north,
    }
    values.update({f"kind{i}": kind for i, kind in enumerate(query.kinds)})
    with _prepared_cursor() as cursor:
        cursor.execute(statement.sql, [*(values[role] for role in statement.slots), limit, offset])
        rows: Sequence[tuple[Any, ...]] = cursor.fetchall()
    columns = statement.columns
    return [dict(zip(columns, row, strict=True)) for row in rows]


def search(query: NearQuery) -> NearPage:
    """One page of the search and the total, in one statement (two past the last page)."""
    from .api.serializers import public_rows

    if query.open_now:
        when = timezone.localtime(query.at)
        candidates = _run(query, OPEN_SCAN_LIMIT, 0)
        open_rows = [v for v in candidates if standards.opening_hours_open(v["opening_hours"], when)]
        return NearPage(len(open_rows), public_rows(open_rows[query.offset : query.offset + query.limit]))
    values = _run(query, query.limit, query.offset)
    if values:
        count = values[0]["total"]
    elif query.offset:
        # Past the last page the window has no row to count on: the links still need the total.
        first = _run(query, 1, 0)
        count = first[0]["total"] if first else 0
    else:
        count = 0
    return NearPage(count, public_rows(values))
