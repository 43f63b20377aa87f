"""Prepared statements for the few hot read paths, through Django's own connection.

Django binds parameters on the client (psycopg's ClientCursor), so PostgreSQL parses and plans every
statement again. A hot statement run thousands of times a minute with the same shape (the residents'
`near` search: planning 0.4 ms of 1.3 ms) can ask for a server-binding cursor instead: psycopg then
prepares it once per connection (protocol-level, named by psycopg, re-prepared after a reconnect)
and PostgreSQL settles on a generic plan after five runs. Settings set `prepare_threshold` for
this; client-binding cursors never prepare, so nothing else changes. PgBouncer in transaction mode
needs `max_prepared_statements` (1.21+); in session mode nothing.
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorWrapper


class _PreparingCursor(ServerBindingCursor):
    """Django's server-binding cursor, but with the statement kept for Django's query log: psycopg
    (3.3) leaves `_query` unset when it runs a prepared statement, and the debug wrapper reads it
    (tests count and show queries; a test keeps this working)."""

    def _send_query_prepared(self, name, pgq, *, binary=None):
        self._query = pgq
        super()._send_query_prepared(name, pgq, binary=binary)


def prepared_cursor(using: str = "default") -> CursorWrapper:
    """A cursor like `connection.cursor()` (health check, debug logging, query counting), whose
    statements psycopg prepares on their first run."""
    conn = connections[using]
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    # _prepare_cursor is what connection.cursor() wraps its own cursors with: the debug wrapper
    # (queries logged and counted in tests) or the plain one, with the thread-sharing check.
    return conn._prepare_cursor(_PreparingCursor(conn.connection))
