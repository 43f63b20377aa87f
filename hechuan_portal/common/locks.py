"""PostgreSQL advisory locks with named keys: one helper, one table of keys.

Long jobs that must never interleave (the household import and the allowance match, the service-circle
refresh, …) take the lock of their name. The key is derived from the name, so two modules naming the
same job share one lock and no one keeps a list of magic numbers in step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

from django.db import connections


class LockName(StrEnum):
    # The household import and the allowance match write the same people: one lock for both.
    REGISTER = "residents.register"
    COVERAGE = "facilities.coverage"
    FACILITIES_IMPORT = "facilities.import"
    OVERVIEW = "overview.snapshot"
    RISK = "monitoring.risk"
    ELDER_COVERAGE = "eldercare.coverage"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (PostgreSQL's bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def exclusive_job(name: str, *, wait: bool = False, using: str = "default") -> Iterator[bool]:
    """Hold the session-level lock `name` for the block; yields whether it was taken.

    `wait=False` (a job that finds another run under way skips) yields False at once when another
    session holds it; `wait=True` blocks until it is free.
    """
    key = lock_key(name)
    with connections[using].cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
            taken = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            taken = bool(cursor.fetchone()[0])
    try:
        yield taken
    finally:
        if taken:
            with connections[using].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def lock_for_transaction(name: str, *, wait: bool = True, using: str = "default") -> bool:
    """Take the transaction-level lock `name` (released at commit or rollback); call inside atomic().

    Returns whether it was taken (always True with `wait=True`).
    """
    key = lock_key(name)
    with connections[using].cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return bool(cursor.fetchone()[0])
