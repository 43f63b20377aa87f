"""Scans of the source for the twins issue 16 removed: one advisory-lock helper, one error body, one
`near`. Plain text scans of the project's own Python files (tests, benchmarks and migrations aside:
tests may hold a lock from a second connection, migrations are history)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "node_modules", "tests", "bench", "migrations", "staticfiles", "static", "media"}


def _sources() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts[:-1])
        and not path.name.startswith("test_")
        and path.name != "conftest.py"
    )


def _hits(pattern: str, allowed: set[str] = frozenset()) -> list[str]:
    regex = re.compile(pattern)
    hits = []
    for path in _sources():
        name = path.relative_to(ROOT).as_posix()
        if name in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if regex.search(line):
                hits.append(f"{name}:{number}: {line.strip()}")
    return hits


def test_the_scan_sees_the_apps():
    names = {p.relative_to(ROOT).as_posix() for p in _sources()}
    assert {"hechuan_portal/common/locks.py", "overview/services.py", "facilities/models.py"} <= names


def test_advisory_locks_only_through_common_locks():
    assert _hits(r"pg_(try_)?advisory", allowed={"hechuan_portal/common/locks.py"}) == []


def test_no_hand_built_error_bodies():
    """Refusals raise PortalError (or Django's/DRF's errors); the shared handler writes the body."""
    assert _hits(r"ValidationError\(\s*\{\s*[\"']code[\"']") == []
    assert _hits(r"Response\(\s*\{\s*[\"']code[\"']\s*:") == []


def test_one_near_implementation():
    """The residents' `near` search is one queryset method; no second path (a fast twin before DRF,
    a hand-written serializer of its rows). `near_box` is the pure geometry of standards.py."""
    definitions = _hits(r"^\s*def near\w*\(", allowed={"facilities/standards.py"})
    assert len(definitions) <= 1, definitions


def test_stored_uploads_served_only_through_common_uploads():
    """Photos and evidence go back to a browser through `common/uploads.py: serve_upload` (scoped,
    audited, never cached). The other FileResponses send files the portal writes itself: the kept
    monthly report and the XLSX/CSV exports."""
    assert _hits(r"def serve_upload\(", allowed={"hechuan_portal/common/uploads.py"}) == []
    exports = {"overview/views.py", "subsidies/views.py", "eldercare/views.py"}
    assert _hits(r"FileResponse\(", allowed={"hechuan_portal/common/uploads.py", *exports}) == []
    assert _hits(r"\bserve_upload\(") != []


def test_model_serializers_derive_from_the_portal_base():
    """Every model serializer derives from `common/serializers.py: PortalModelSerializer` (a blank
    choice is null); DRF's ModelSerializer is never patched."""
    allowed = {"hechuan_portal/common/serializers.py"}
    assert _hits(r"\(\s*(serializers\.)?ModelSerializer\s*\)", allowed=allowed) == []
    assert _hits(r"ModelSerializer\.\w+\s*=") == []
    assert _hits(r"\(PortalModelSerializer\)") != []


def test_tasks_run_eagerly_only_through_the_shared_fixture():
    """Tests run Celery tasks in their own process through the root conftest's `celery_eager`, which
    sets the Celery app and puts it back; setting CELERY_TASK_ALWAYS_EAGER in a test does nothing
    once the app has read it, and a hand-set flag leaks into the next test when it is not restored."""
    pattern = re.compile(r"task_always_eager\s*=|CELERY_TASK_ALWAYS_EAGER\s*=")
    hits = [
        f"{path.relative_to(ROOT).as_posix()}:{number}"
        for path in ROOT.rglob("*.py")
        if not {".venv", "node_modules"} & set(path.relative_to(ROOT).parts)
        and path.relative_to(ROOT).as_posix() not in {"conftest.py", "hechuan_portal/settings.py"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert hits == []


def test_staff_lists_page_through_common_listing():
    """Issue 20: one paging and sorting mechanism for the staff lists (`common/listing.py`); the API
    pages through `common/pagination.py`. No view builds its own Paginator or OrderingFilter."""
    assert _hits(r"\bPaginator\(", allowed={"hechuan_portal/common/listing.py"}) == []
    assert _hits(r"OrderingFilter\(") == []
