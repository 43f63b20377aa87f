"""Writes to the facility registry and the service circle. Every write is one transaction, audited."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, manages_town, require
from hechuan_portal.accounts.scope import scope_for
from hechuan_portal.areas.models import AdminArea, AreaLevel
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.exports import unguard
from hechuan_portal.common.fragments import changed
from hechuan_portal.common.locks import LockName, lock_for_transaction
from hechuan_portal.common.tabular import TableError, match_columns, normalize_number, open_table

from . import access, importer, standards
from .access import OPERATOR_FIELDS
from .error_codes import ErrorCode
from .models import (
    CommunityCoverage,
    CoverageRun,
    CoverageRunStatus,
    Facility,
    FacilityStatus,
    FacilityStatusChange,
    PopulationGroup,
    ServiceLayer,
)
from .resources import CAPACITY_COLUMNS, REQUIRED_COLUMNS, import_columns

logger = logging.getLogger(__name__)

CAPACITY_FIELDS = frozenset(OPERATOR_FIELDS) - {"opening_hours"}
PLACES_FIELDS = frozenset({"places_total", "places_inclusive", "places_occupied"})


# The cached parts of the staff list (common/fragments.py). A facility saved or deleted through the
# model says so by itself (apps.py); the set-based writes (status, import, childcare's 托位 in
# services/enrolment.py and services/places.py) call `facilities_changed`.
TOPIC = "facilities"


def facilities_changed(**_signal: Any) -> None:
    """The registry's rows change (in this transaction, if one is open): the staff list renders anew."""
    changed(TOPIC)


class CoverageBusy(PortalError):
    """Another coverage refresh holds the lock (409 `coverage_busy`)."""

    def __init__(self) -> None:
        super().__init__(ErrorCode.COVERAGE_BUSY, status=409)


def _changed(before: dict, after: Facility, names) -> dict:
    return {n: [before[n], getattr(after, n)] for n in names if before[n] != getattr(after, n)}


def _snapshot(facility: Facility, names) -> dict:
    return {n: getattr(facility, n) for n in names}


def _auditable(changes: dict) -> dict:
    # Facility fields hold no personal data; the location is written as text for the JSON column.
    return {k: [str(v) if v is not None else None for v in pair] for k, pair in changes.items()}


def _check_town_in_scope(actor: Any, town_code: str | None) -> None:
    """A town officer may place facilities only in their own town (district roles anywhere)."""
    if town_code is not None and not manages_town(actor, town_code):
        raise PortalError(ErrorCode.TOWN_OUT_OF_SCOPE, field="town")


@transaction.atomic
def facility_create(*, actor: Any, data: dict[str, Any], request: HttpRequest | None = None) -> Facility:
    """Create a facility (status 筹建中 unless given) and the first line of its status history."""
    require(access.can_manage, actor)
    facility = Facility(**data)
    _check_town_in_scope(actor, facility.town_id)
    facility.full_clean()
    if any(data.get(n) for n in CAPACITY_FIELDS):
        facility.capacity_reported_at = timezone.now()
    facility.save()
    FacilityStatusChange.objects.create(
        facility=facility,
        from_status="",
        to_status=facility.status,
        actor=audit_user(actor),
        reason=_("新建"),
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        request=request,
        obj=facility,
        area_code=facility.town_id,
    )
    return facility


@transaction.atomic
def facility_update(
    *,
    actor: Any,
    facility: Facility,
    data: dict[str, Any],
    capacity_report: bool = False,
    request: HttpRequest | None = None,
) -> Facility:
    """Edit a facility. Operators may change only capacity and hours; status has its own service.

    A capacity report (`capacity_report=True`) stamps `capacity_reported_at` even when the figures
    did not change: confirming them is a report too. A plain edit stamps it only when they changed.
    """
    require(access.can_report_capacity, actor, facility)
    data = {k: v for k, v in data.items() if k != "status"}
    if set(data) - set(OPERATOR_FIELDS):
        require(access.can_manage, actor, facility)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    before = _snapshot(facility, data)
    for name, value in data.items():
        setattr(facility, name, value)
    if "town" in data:
        _check_town_in_scope(actor, facility.town_id)
    facility.full_clean()
    changes = _changed(before, facility, data)
    if PLACES_FIELDS & set(changes) and facility.classes.exists():
        # One meaning of 托位 (docs/indicators.md): a facility that records classes has the places
        # of its classes (childcare's facility_places_sync); typed figures would contradict them.
        raise PortalError(ErrorCode.PLACES_FROM_CLASSES, field=sorted(PLACES_FIELDS & set(changes))[0])
    if not changes and not capacity_report:
        return facility
    if capacity_report or CAPACITY_FIELDS & set(changes):
        facility.capacity_reported_at = timezone.now()
    facility.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        request=request,
        obj=facility,
        area_code=facility.town_id,
        reason=_("容量上报") if capacity_report else "",
        changes=_auditable(changes),
    )
    return facility


def facility_report_capacity(
    *, actor: Any, facility: Facility, data: dict[str, Any], request: HttpRequest | None = None
) -> Facility:
    """An operator's (or officer's) report of beds/托位 and hours; stamps the report time."""
    data = {k: v for k, v in data.items() if k in OPERATOR_FIELDS}
    return facility_update(actor=actor, facility=facility, data=data, capacity_report=True, request=request)


@transaction.atomic
def facility_set_status(
    *,
    actor: Any,
    facility: Facility,
    status: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> FacilityStatusChange:
    """Move a facility along its life cycle and record who did it (FacilityStatusChange)."""
    require(access.can_change_status, actor, facility)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if not standards.can_transition(facility.status, status):
        raise PortalError(
            ErrorCode.INVALID_TRANSITION,
            field="status",
            params={
                "from": FacilityStatus(facility.status).label,
                "to": FacilityStatus(status).label if status in FacilityStatus.values else status,
            },
        )
    change = FacilityStatusChange.objects.create(
        facility=facility,
        from_status=facility.status,
        to_status=status,
        actor=audit_user(actor),
        reason=reason,
    )
    Facility.objects.filter(pk=facility.pk).update(status=status, updated_at=timezone.now())
    facilities_changed()
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        request=request,
        obj=facility,
        area_code=facility.town_id,
        reason=reason,
        changes={"status": [facility.status, status]},
    )
    return change


# -- import ------------------------------------------------------------------------------------


# An upload is refused beyond these (issue 21 item 3): a registry is a few thousand rows.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
# A workbook's sheet is read whole (calamine): 32 MB of unpacked XML (~40,000 rows) is at most
# ~80 MB of memory; CSV streams (1 MB flat whatever its size). Measured in docs/facilities.md.
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
CHUNK_ROWS = 500  # progress is reported every CHUNK_ROWS rows read
MAX_REPORTED = 1000  # errors and preview rows kept for the report
# Cells read as numbers or codes: full-width digits and points made plain (`１０６．２６６`).
_NUMERIC_COLUMNS = frozenset(("镇街代码", "村社区代码", "经度", "纬度", "电话", *CAPACITY_COLUMNS))


@dataclass
class ImportReport:
    """What an import did (or would do): counts, every bad row (line, column, messages) and the
    notes on how the file was read (sheet, title rows skipped, columns ignored)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, list[str]]] = field(default_factory=list)
    written: bool = False
    preview: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        data = dict(data)
        data["errors"] = [tuple(e) for e in data.get("errors", [])]
        return cls(**data)


def read_rows(source: str | IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[str]]], list[str]]:
    """(the resource's column names, rows of cells in that order with their file line, notes).

    The header row is found among the first rows (title rows skipped), names matched as
    `common/tabular.py` normalises them, numeric cells made plain, the CSV formula guard removed.
    Raises TableError with a sentence when the file or its header cannot be read."""
    columns = import_columns()
    table = open_table(source, columns=columns, max_unpacked=MAX_UNPACKED_BYTES)
    found, repeated = match_columns(table.header, columns)
    if repeated:
        raise TableError(
            _("第 %(line)d 行（表头）中“%(column)s”列出现了不止一次")
            % {"line": table.header_line, "column": repeated[0]}
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        raise TableError(
            _("第 %(line)d 行（表头）缺少必填列：%(columns)s")
            % {"line": table.header_line, "columns": "、".join(missing)}
        )
    notes = table.notes()
    known = set(found.values())
    ignored = [h for i, h in enumerate(table.header) if h and i not in known]
    if ignored:
        notes.append(_("以下列无法识别，已忽略：%(columns)s。") % {"columns": "、".join(ignored)})
    names = list(found)
    positions = [found[n] for n in names]
    numeric = [n in _NUMERIC_COLUMNS for n in names]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for line, cells in table.rows:
            values = [cells[i] if i < len(cells) else "" for i in positions]
            yield (
                line,
                [normalize_number(v) if num else unguard(v) for v, num in zip(values, numeric, strict=True)],
            )

    return names, rows(), notes


def facilities_import(
    *,
    actor: Any,
    source: str | IO[bytes],
    dry_run: bool,
    skip_invalid: bool = False,
    request: HttpRequest | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the registry from a spreadsheet, set-based (`importer.py`): rows parsed in Python and
    COPYed into a stage table, checked against the database in one statement, merged in two.

    All or nothing by default: while any row is bad nothing is written and every bad row is
    reported. `skip_invalid` writes the good rows. A dry run (the preview) checks and counts
    without writing. The command line passes SYSTEM (whole district).
    """
    require(access.can_import, actor)
    try:
        names, rows, notes = read_rows(source)
    except TableError as exc:
        return ImportReport(errors=[(1, "", [str(exc)])])
    report = ImportReport(notes=notes)
    present = set(names)
    problems: list[importer.Problem] = []
    invalid_lines: set[int] = set()
    seen: dict[tuple[str, str], int] = {}
    scope = scope_for(actor)
    allowed_town = None if scope.everything else (scope.town_code or "")

    def staged() -> Iterator[tuple]:
        for line, cells in rows:
            report.rows += 1
            if report.rows > MAX_IMPORT_ROWS:
                problems.append(
                    importer.Problem(
                        line, "", _("文件超过 %(max)d 行，请分批导入") % {"max": MAX_IMPORT_ROWS}
                    )
                )
                return
            row = dict(zip(names, cells, strict=True))
            parsed, found = importer.parse_row(line, row)
            key = (row.get("名称", "").strip(), importer.area_code(row.get("镇街代码", "")))
            first = seen.setdefault(key, line)
            if key[0] and first != line:
                found.append(
                    importer.Problem(
                        line, "名称", _("与第 %(line)d 行重复（同一镇街的同名设施）") % {"line": first}
                    )
                )
            if found:
                problems.extend(found)
                invalid_lines.add(line)
            elif parsed is not None:
                yield parsed
            if on_progress and report.rows % CHUNK_ROWS == 0:
                on_progress(report.rows)

    with transaction.atomic(), connection.cursor() as cursor:
        lock_for_transaction(LockName.FACILITIES_IMPORT)
        importer.create_stage(cursor)
        importer.copy_rows(cursor, staged())
        if on_progress:
            on_progress(report.rows)
        importer.match_existing(cursor, present)
        found = importer.stage_problems(cursor, present, allowed_town)
        problems.extend(found)
        if skip_invalid and found:
            importer.drop_lines(cursor, sorted({p.line for p in found}))
        invalid = len(invalid_lines | {p.line for p in found})
        report.errors = _grouped(problems)[:MAX_REPORTED]
        report.created, report.updated, report.unchanged = importer.counts(cursor)
        if dry_run:
            report.preview = importer.preview(cursor, MAX_REPORTED)
        report.written = not dry_run and (skip_invalid or not problems)
        if report.written:
            importer.merge(
                cursor, present, actor_id=getattr(audit_user(actor), "pk", None), now=timezone.now(),
                reason=_("表格导入"),
            )  # fmt: skip
            facilities_changed()
        importer.drop_stage(cursor)
    if dry_run:
        return report
    if report.written:
        audit_record(
            action=AuditAction.IMPORT,
            actor=audit_user(actor),
            request=request,
            object_type="facilities.facility",
            reason=_("设施表格导入"),
            changes={"created": report.created, "updated": report.updated, "invalid": invalid},
        )
    else:
        report.created = report.updated = 0
    return report


def _grouped(problems: list[importer.Problem]) -> list[tuple[int, str, list[str]]]:
    """(line, column, messages) in file order, one entry per line and column."""
    grouped: dict[tuple[int, str], list[str]] = {}
    for problem in sorted(problems, key=lambda p: p.line):
        grouped.setdefault((problem.line, problem.column), []).append(problem.message)
    return [(line, column, messages) for (line, column), messages in grouped.items()]


def facilities_import_enqueue(*, actor: Any, upload: Any) -> str:
    """Store an upload and queue its preview (a Celery task); returns the job's id."""
    require(access.can_import, actor)
    from . import import_jobs
    from .tasks import import_job  # tasks import this module

    if upload.size > MAX_IMPORT_BYTES:
        raise PortalError(ErrorCode.IMPORT_TOO_LARGE, field="file", params={"mb": MAX_IMPORT_BYTES // 2**20})
    job_id = import_jobs.create(user_id=actor.pk, upload=upload)
    transaction.on_commit(lambda: import_job.delay(job_id))
    return job_id


def facilities_import_confirm(*, actor: Any, job_id: str, job: dict[str, Any]) -> None:
    """Queue the import of a previewed upload without errors (its uploader only)."""
    require(access.can_import, actor)
    from . import import_jobs
    from .tasks import import_job

    if job["user"] != actor.pk or job["state"] != import_jobs.PREVIEWED or not job.get("file"):
        raise PortalError(ErrorCode.IMPORT_EXPIRED, status=409)
    import_jobs.update(job_id, state=import_jobs.QUEUED, dry_run=False, rows=0)
    transaction.on_commit(lambda: import_job.delay(job_id))


def facilities_import_discard(*, actor: Any, job_id: str, job: dict[str, Any]) -> None:
    """Refuse a preview (its uploader only): the stored upload is deleted and the job can no longer be
    confirmed. Nothing was written, so there is nothing to undo."""
    require(access.can_import, actor)
    from . import import_jobs

    if job["user"] != actor.pk or job["state"] != import_jobs.PREVIEWED:
        raise PortalError(ErrorCode.IMPORT_EXPIRED, status=409)
    import_jobs.discard_file(job)
    import_jobs.update(job_id, state=import_jobs.DISCARDED, file="")


# -- service circle ----------------------------------------------------------------------------

# One statement: for every community with a centroid and every active layer, the nearest operating
# facility of the layer's kinds by the spheroid distance (STANDARDS §7), whether it lies within the
# layer's radius, and the people it serves: estimated from the community's population where it
# carries one (import_boundaries), else counted from the household registry (standards.py).
#
# The GiST index's KNN order (`<->`) is the sphere's distance, which differs from the spheroid's by
# up to ~0.56 %: a day care 499 m away (spheroid) can sort after one 500.8 m away. So the KNN only
# bounds the search: every facility within KNN_SLACK × the sphere-nearest distance is a candidate
# (ST_DWithin on the sphere, indexed), and the candidates are ordered by the spheroid distance.
_COVERAGE_SQL = """
WITH counts AS (
    SELECT community_id,
           count(*) FILTER (WHERE birth_date <= (%(as_of)s::date - make_interval(years => %(elder_age)s))) AS elders,
           count(*) FILTER (WHERE birth_date > (%(as_of)s::date - make_interval(years => %(toddler_age)s))) AS children
      FROM {resident}
     WHERE status = %(resident_normal)s AND community_id IS NOT NULL
     GROUP BY community_id
)
INSERT INTO {coverage}
    (community_id, town_id, layer_id, nearest_id, distance_m, covered, people, people_estimated, computed_at)
SELECT c.code, c.parent_id, l.id, n.id, n.dist,
       COALESCE(n.dist <= l.radius_m, false),
       CASE WHEN l.population = %(elders)s
            THEN COALESCE(round(c.population * %(elder_share)s), k.elders, 0)
            ELSE COALESCE(round(c.population * %(toddler_share)s), k.children, 0) END,
       c.population IS NOT NULL,
       %(now)s
  FROM {area} c
  CROSS JOIN {layer} l
  LEFT JOIN counts k ON k.community_id = c.code
  LEFT JOIN LATERAL (
        SELECT f.location <-> c.centroid::geography AS sphere
          FROM {facility} f
         WHERE f.kind = ANY(l.kinds) AND f.status = %(operating)s
         ORDER BY f.location <-> c.centroid::geography
         LIMIT 1
  ) s ON true
  LEFT JOIN LATERAL (
        SELECT f.id, ST_Distance(f.location, c.centroid::geography, true) AS dist
          FROM {facility} f
         WHERE f.kind = ANY(l.kinds) AND f.status = %(operating)s
           AND ST_DWithin(f.location, c.centroid::geography, s.sphere * %(knn_slack)s + 1, false)
         ORDER BY dist, f.id
         LIMIT 1
  ) n ON true
 WHERE c.level = %(community)s AND c.centroid IS NOT NULL AND l.is_active
"""


def coverage_sql() -> str:
    """_COVERAGE_SQL with the tables' names from their models."""
    from hechuan_portal.residents.models import Resident

    return _COVERAGE_SQL.format(
        resident=Resident._meta.db_table,
        coverage=CommunityCoverage._meta.db_table,
        area=AdminArea._meta.db_table,
        layer=ServiceLayer._meta.db_table,
        facility=Facility._meta.db_table,
    )


def coverage_refresh(*, actor: Any, request: HttpRequest | None = None) -> CoverageRun:
    """Recompute the whole service circle (CommunityCoverage) in SQL; one run at a time.

    Idempotent: the table is rewritten from the current registry in one transaction, so readers
    see either the old or the new figures. Raises CoverageBusy when another run holds the lock.
    Scheduled runs and commands pass SYSTEM (the run and its audit row then name no user).
    """
    from hechuan_portal.residents.models import HukouStatus

    require(access.can_refresh_coverage, actor)
    run = CoverageRun.objects.create(triggered_by=audit_user(actor))
    now = timezone.now()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if not lock_for_transaction(LockName.COVERAGE, wait=False):
                raise CoverageBusy
            CommunityCoverage.objects.all().delete()
            cursor.execute(
                coverage_sql(),
                {
                    "as_of": timezone.localdate(now),
                    "elder_age": standards.ELDER_MIN_AGE,
                    "toddler_age": standards.TODDLER_MAX_AGE,
                    "elder_share": standards.ELDER_SHARE_OF_POPULATION,
                    "toddler_share": standards.TODDLER_SHARE_OF_POPULATION,
                    "knn_slack": standards.KNN_SLACK,
                    "now": now,
                    "resident_normal": HukouStatus.NORMAL.value,
                    "elders": PopulationGroup.ELDERS.value,
                    "operating": FacilityStatus.OPERATING.value,
                    "community": AreaLevel.COMMUNITY.value,
                },
            )
            rows = cursor.rowcount
            communities = CommunityCoverage.objects.values("community").distinct().count()
    except CoverageBusy:
        CoverageRun.objects.filter(pk=run.pk).update(
            status=CoverageRunStatus.FAILED, finished_at=timezone.now(), message=_("已有计算在进行")
        )
        raise
    except Exception:
        logger.exception("coverage refresh failed")
        CoverageRun.objects.filter(pk=run.pk).update(
            status=CoverageRunStatus.FAILED, finished_at=timezone.now(), message=_("计算失败，详见日志")
        )
        raise
    CoverageRun.objects.filter(pk=run.pk).update(
        status=CoverageRunStatus.DONE, finished_at=timezone.now(), rows=rows, communities=communities
    )
    audit_record(
        action=AuditAction.RUN,
        actor=audit_user(actor),
        request=request,
        obj=run,
        reason=_("服务圈计算"),
        changes={"rows": rows, "communities": communities},
    )
    run.refresh_from_db()
    return run


def coverage_refresh_later(*, actor: Any) -> None:
    """Queue the refresh after the current transaction commits (the staff page's button)."""
    from .tasks import refresh_coverage

    require(access.can_refresh_coverage, actor)
    user_id = getattr(actor, "pk", None)
    transaction.on_commit(lambda: refresh_coverage.delay(user_id=user_id))
