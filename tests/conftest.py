"""Cross-app test plumbing: every log record of the run also goes to one file, which
`test_log_scan.py` (moved to the end of the run) searches for ID numbers."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

# One log per test process: under pytest-xdist each worker writes its own (suite-gw0.log, …), and the
# controlling process scans them all when the run ends (pytest_sessionfinish below).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
SUITE_LOG_DIR = Path(__file__).resolve().parent.parent / ".suite-logs"
SUITE_LOG = Path(
    os.environ.get("PORTAL_SUITE_LOG", SUITE_LOG_DIR / (f"suite-{_WORKER}.log" if _WORKER else "suite.log"))
)


def _attach_suite_handler() -> logging.Handler:
    """The root logger's handler writing to SUITE_LOG (added once; returned either way)."""
    root = logging.getLogger()
    for existing in root.handlers:
        if existing.get_name() == "portal-suite-log":
            return existing
    handler = logging.FileHandler(SUITE_LOG, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.set_name("portal-suite-log")
    root.addHandler(handler)
    return handler


def _install_suite_log_handler() -> None:
    SUITE_LOG.parent.mkdir(parents=True, exist_ok=True)
    if not _WORKER:  # the run's first process: the workers' logs of an earlier run are not this run's
        for old in SUITE_LOG.parent.glob("suite-gw*.log"):
            old.unlink()
    SUITE_LOG.write_text("", encoding="utf-8")
    handler = _attach_suite_handler()
    # Loggers that do not propagate to the root get the handler directly.
    for name in ("django.server", "celery", "axes"):
        logger = logging.getLogger(name)
        if not logger.propagate:
            logger.addHandler(handler)


# At import, i.e. while the run is being collected and before any test runs.
_install_suite_log_handler()


def _keep_handler_across_reconfiguration() -> None:
    """`django.setup()` (run again by Celery's Django fix-up when a task is applied) re-applies
    settings.LOGGING, and dictConfig replaces the root logger's handlers: put ours back each time."""
    import logging.config

    original = logging.config.dictConfig
    if getattr(original, "_keeps_suite_log", False):
        return

    def dict_config(config):
        original(config)
        _attach_suite_handler()

    dict_config._keeps_suite_log = True
    logging.config.dictConfig = dict_config


_keep_handler_across_reconfiguration()




def _run_group(item) -> int:
    """pytest-django's order (database tests in a transaction, then transactional ones, then the rest),
    with transactional tests that use serialized_rollback before those that do not, and the log scan
    last of all.

    Why: the flush after a transactional test without serialized_rollback re-creates content types
    and permissions (post_migrate) under new ids, and the next serialized_rollback test then fails
    to restore the migration data (the towns) on top of them. Serialized tests first keeps every
    app's browser tests working, wherever their files sort.
    """
    if item.nodeid.startswith("tests/test_log_scan.py"):
        return 4
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    serialized = "django_db_serialized_rollback" in fixtures
    if marker is not None:
        transactional = transactional or bool(
            marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        )
        serialized = serialized or bool(marker.kwargs.get("serialized_rollback"))
    elif not transactional:
        # A test that reaches the database only through the `db` fixture (e.g. via the role cast)
        # has no marker but must still run before the transactional ones, whose flush empties the DB.
        return 0 if "db" in fixtures else 3
    if not transactional:
        return 0
    return 1 if serialized else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    items.sort(key=_run_group)  # stable: pytest-django's order within each group is kept


def pytest_sessionfinish(session, exitstatus):
    """The whole run's logs, every worker's included, hold no ID number (the controlling process
    scans them once all workers are done; `test_log_scan.py` checks the same within one process)."""
    if _WORKER:
        return
    from .test_log_scan import find_id_numbers

    for handler in logging.getLogger().handlers:
        handler.flush()
    found = [n for log in sorted(SUITE_LOG_DIR.glob("suite*.log")) for n in find_id_numbers(log.read_text("utf-8"))]
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(f"FAILED: {len(found)} ID numbers in the suite logs, e.g. {found[0][:6]}…", red=True)
        session.exitstatus = 1
