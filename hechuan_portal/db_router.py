"""Database router: the dashboard and the reports read from a PostgreSQL streaming replica.

When `DATABASE_REPLICA_URL` is set, settings define a `replica` alias (a read-only hot standby) and:
- reads of the overview's snapshot and report models (IndicatorSnapshot, MonthlyReport) go to
  `replica` (IndicatorTarget is edited in the admin, which must read what it just wrote);
- inside `replica_reads()` (the overview's report selectors run in it), reads of every model go to
  `replica` — the dashboard's area names, the report's towns — so a heavy month-end report never
  competes with the staff's writes on the primary;
- writes always go to `default`, and so do reads inside a transaction on `default` (a service that
  computes and stores a snapshot must read what it is writing, not a replica that lags behind).
Without the alias every read and write goes to `default`: nothing changes for a single server.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools

from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
# (app_label, model_name) read from the replica whatever the caller.
REPLICA_MODELS = frozenset(
    {
        ("overview", "indicatorsnapshot"),
        ("overview", "monthlyreport"),
    }
)

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextlib.contextmanager
def replica_reads():
    """Route every read inside the block to the replica (when there is one)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(fn):
    """Decorator form of `replica_reads()` for selectors."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return fn(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        if connections[PRIMARY].in_atomic_block:
            # Read-your-writes: a transaction on the primary sees its own uncommitted rows only there.
            return PRIMARY
        meta = model._meta
        if _replica_reads.get() or (meta.app_label, meta.model_name) in REPLICA_MODELS:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: objects read from either may be related.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A streaming replica replays the primary's WAL: it is never migrated itself.
        return db != REPLICA
