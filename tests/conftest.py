"""Cross-app test plumbing: every log record of the run also goes to one file, which
`test_log_scan.py` (moved to the end of the run) searches for ID numbers."""

from __future__ import annotations

import logging
import os
from pathlib import Path

SUITE_LOG = Path(
    os.environ.get("PORTAL_SUITE_LOG", Path(__file__).resolve().parent.parent / ".suite-logs" / "suite.log")
)


def _install_suite_log_handler() -> None:
    SUITE_LOG.parent.mkdir(parents=True, exist_ok=True)
    SUITE_LOG.write_text("", encoding="utf-8")
    handler = logging.FileHandler(SUITE_LOG, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.set_name("portal-suite-log")
    root = logging.getLogger()
    if not any(h.get_name() == "portal-suite-log" for h in root.handlers):
        root.addHandler(handler)
    # Loggers that do not propagate to the root get the handler directly.
    for name in ("django.server", "celery", "axes"):
        logger = logging.getLogger(name)
        if not logger.propagate:
            logger.addHandler(handler)


# At import, i.e. while the run is being collected and before any test runs.
_install_suite_log_handler()


def pytest_collection_modifyitems(config, items):
    """The log scan runs last, after every other test has written its logs."""
    last = [i for i in items if i.nodeid.startswith("tests/test_log_scan.py")]
    items[:] = [i for i in items if i not in last] + last
