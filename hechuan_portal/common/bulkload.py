"""Bulk loading into an indexed table: set its secondary indexes and constraints aside, rebuild after.

PostgreSQL's own advice for populating a table ("Populating a Database": remove indexes and foreign
keys, re-create them afterwards): building an index once over the loaded rows is several times
cheaper than maintaining it row by row, and re-adding a foreign key checks every row in one join
instead of one trigger query per row. The definitions are read from the catalogue just before and
replayed verbatim, so the table ends exactly as its migrations left it.

Everything runs in the caller's transaction: a failure rolls the DDL back with the data. The DDL
takes an ACCESS EXCLUSIVE lock on the table until commit, so readers wait for the load to finish —
callers use this only for loads that at least double the table (a first load), not for updates.
Dropping a foreign key also takes that lock on the table it references (PostgreSQL drops the
constraint's triggers there): measured, a reader of the referenced table waits until commit.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Structure:
    kind: str  # "index", "unique" or "foreign key"
    name: str
    definition: str  # CREATE INDEX … or the constraint clause for ALTER TABLE … ADD CONSTRAINT


def secondary_structures(cursor, table: str) -> list[Structure]:
    """Indexes and unique/foreign-key constraints of `table`, except the primary key and the
    constraints other tables' foreign keys rest on."""
    cursor.execute(
        """
        SELECT CASE c.contype WHEN 'u' THEN 'unique' ELSE 'foreign key' END, c.conname,
               pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.conrelid = %s::regclass AND c.contype IN ('u', 'f')
          AND NOT (c.contype = 'u' AND EXISTS (
                   SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid))
        ORDER BY c.conname
        """,
        [table],
    )
    constraints = [Structure(*row) for row in cursor.fetchall()]
    cursor.execute(
        """
        SELECT 'index', i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY i.relname
        """,
        [table],
    )
    return constraints + [Structure(*row) for row in cursor.fetchall()]


_REBUILD_ORDER = {"unique": 0, "index": 1, "foreign key": 2}


@contextmanager
def structures_set_aside(cursor, table: str, *, kinds=None, maintenance_work_mem: str = "256MB"):
    """Drop `table`'s secondary indexes and constraints, run the block, then re-create them.
    `kinds` limits this to some kinds ("index", "unique", "foreign key"). Dropping a foreign key
    locks the table it references (ACCESS EXCLUSIVE, until commit: even its readers wait), so
    only a load nobody else can be using should set foreign keys aside."""
    saved = [s for s in secondary_structures(cursor, table) if kinds is None or s.kind in kinds]
    quote = connection.ops.quote_name
    # Deferred foreign-key checks queued earlier in this transaction (seed_demo creates areas
    # first) would block the DDL ("pending trigger events"): run them now, defer again after.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for item in saved:
        if item.kind == "index":
            cursor.execute(f"DROP INDEX {quote(item.name)}")
        else:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(item.name)}")
    yield saved
    # The index builds sort in memory rather than in temporary files (this transaction only).
    cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [maintenance_work_mem])
    # Unique constraints first: a load that repeats a key fails before the other builds are paid for.
    for item in sorted(saved, key=lambda item: _REBUILD_ORDER[item.kind]):
        if item.kind == "index":
            cursor.execute(item.definition)
        else:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(item.name)} {item.definition}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django declares every foreign key deferred
