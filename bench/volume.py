"""District-scale volume beyond what the apps' demo seeds create (issue 9).

`seed_demo` caps facilities at a few hundred, children at 400, inspections and visits at a few
thousand: right for a demo, far from a district. This module multiplies those demo rows in SQL,
set-based (one `INSERT … SELECT` per table, never a row at a time), up to the issue's volumes:
5,000 facilities, 100,000 children with their screenings, 50,000 inspections with their answers,
20,000 welfare visits. Copies keep every column of their source row (so they pass the same
constraints) except the ones overridden below; they are marked `is_demo` like their sources.

Idempotent: each table is filled up to its target and left alone when it already has as many rows.
"""

from __future__ import annotations

import time

TARGETS = {
    "facilities": 5000,
    "children": 100_000,
    "inspections": 50_000,
    "visits": 20_000,
}


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND table_schema = 'public' "
        "ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - table names are constants here
    return cursor.fetchone()[0]


def clone(
    cursor,
    table: str,
    *,
    target: int,
    overrides: dict[str, str] | None = None,
    source_where: str = "TRUE",
    extra_from: str = "",
    children: tuple[tuple[str, str], ...] = (),
) -> int:
    """Copy rows of `table` until it holds `target` rows; returns how many were added.

    A temporary map (source id, copy number `g`, row number `rn`, new id taken from the table's
    sequence) drives both the copy of the rows and of their `children` — `(child_table, fk_column)`
    pairs copied for each new parent. `overrides` are SQL expressions over `s` (the source row),
    `m` (the map) and whatever `extra_from` joins in.
    """
    missing = target - _count(cursor, table)
    if missing <= 0:
        return 0
    cursor.execute(f"SELECT count(*) FROM {table} s WHERE {source_where}")  # noqa: S608
    sources = cursor.fetchone()[0]
    if not sources:
        return 0
    copies = -(-missing // sources)
    cursor.execute("DROP TABLE IF EXISTS bench_clone_map")
    cursor.execute(
        f"""CREATE TEMP TABLE bench_clone_map AS
            SELECT src, g, rn, nextval(pg_get_serial_sequence('{table}', 'id')) AS new_id FROM (
              SELECT s.id AS src, g, row_number() OVER (ORDER BY g, s.id) AS rn
              FROM {table} s CROSS JOIN generate_series(1, {copies}) AS g
              WHERE {source_where}
            ) x WHERE rn <= {missing}"""  # noqa: S608
    )
    cursor.execute("CREATE INDEX ON bench_clone_map (src)")
    _copy(cursor, table, "id", {"id": "m.new_id", **(overrides or {})}, extra_from)
    for child_table, fk in children:
        _copy(
            cursor,
            child_table,
            fk,
            {"id": f"nextval(pg_get_serial_sequence('{child_table}', 'id'))", fk: "m.new_id"},
            "",
        )
    cursor.execute("DROP TABLE bench_clone_map")
    return missing


def _copy(cursor, table: str, key: str, overrides: dict[str, str], extra_from: str) -> None:
    columns = _columns(cursor, table)
    select = ", ".join(overrides.get(c, f"s.{c}") for c in columns)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} "  # noqa: S608
        f"FROM bench_clone_map m JOIN {table} s ON s.{key} = m.src {extra_from}"
    )


def build(stdout=print, scale: float = 1.0) -> dict[str, float]:
    """Fill every table up to its target (times `scale`, for a smaller district); returns seconds
    per table."""
    from django.db import connection, transaction

    target = {key: int(value * scale) for key, value in TARGETS.items()}
    timings: dict[str, float] = {}
    with transaction.atomic(), connection.cursor() as c:
        started = time.perf_counter()
        # Facilities: copies scattered within ~1 km of their source (the demo towns' own spread),
        # names unique within a town.
        added = clone(
            c,
            "facilities_facility",
            target=target["facilities"],
            source_where="s.is_demo",
            overrides={
                "name": "s.name || '·' || m.g",
                "location": "CASE WHEN s.location IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint("
                "ST_X(s.location::geometry) + (random() - 0.5) * 0.02, "
                "ST_Y(s.location::geometry) + (random() - 0.5) * 0.02), 4326)::geography END",
            },
        )
        timings["facilities"] = time.perf_counter() - started
        stdout(f"  facilities: +{added:,}")

        started = time.perf_counter()
        # Children with their screening schedule; no ID number on copies (the blind index is unique).
        added = clone(
            c,
            "childcare_child",
            target=target["children"],
            overrides={"id_cipher": "NULL", "id_index": "NULL", "name": "s.name || m.g"},
            children=(("childcare_checkup", "child_id"),),
        )
        timings["children"] = time.perf_counter() - started
        stdout(f"  children: +{added:,} (with their checkups)")

        started = time.perf_counter()
        # Inspections with their answers; copies belong to no plan (one inspection per plan and
        # facility), spread back over the last two years.
        added = clone(
            c,
            "monitoring_inspection",
            target=target["inspections"],
            overrides={
                "plan_id": "NULL",
                "due_on": "(s.due_on - (m.g % 24) * interval '1 month')::date",
                "inspected_at": "s.inspected_at - (m.g % 24) * interval '1 month'",
            },
            children=(("monitoring_inspectionanswer", "inspection_id"),),
        )
        timings["inspections"] = time.perf_counter() - started
        stdout(f"  inspections: +{added:,} (with their answers)")

        started = time.perf_counter()
        # Visits to other elders: each copy goes to the rn-th resident aged 80 or more.
        added = clone(
            c,
            "monitoring_welfarevisit",
            target=target["visits"],
            overrides={"resident_id": "e.id", "town_id": "e.town_id", "community_id": "e.community_id"},
            extra_from="JOIN (SELECT id, town_id, community_id, row_number() OVER (ORDER BY id) AS rn "
            "FROM residents_resident WHERE town_id IS NOT NULL AND status = 'normal' "
            "AND birth_date < now() - interval '80 years') e ON e.rn = m.rn",
        )
        timings["visits"] = time.perf_counter() - started
        stdout(f"  visits: +{added:,}")
    # The visits were copied in SQL: rebuild the precomputed visit list as after any visit.
    from hechuan_portal.accounts.roles import SYSTEM
    from monitoring.services import visit_due_refresh

    visit_due_refresh(actor=SYSTEM)
    with connection.cursor() as c:
        for table in (
            "facilities_facility",
            "childcare_child",
            "childcare_checkup",
            "monitoring_inspection",
            "monitoring_inspectionanswer",
            "monitoring_welfarevisit",
        ):
            c.execute(f"ANALYZE {table}")
    return timings


def counts() -> dict[str, int]:
    from django.db import connection

    tables = {
        "residents": "residents_resident",
        "facilities": "facilities_facility",
        "children": "childcare_child",
        "checkups": "childcare_checkup",
        "inspections": "monitoring_inspection",
        "inspection answers": "monitoring_inspectionanswer",
        "welfare visits": "monitoring_welfarevisit",
        "communities": "areas_adminarea WHERE level = 'community'",
    }
    with connection.cursor() as c:
        return {name: _count(c, table) for name, table in tables.items()}
