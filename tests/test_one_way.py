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


def test_staff_lists_page_through_common_listing():
    """Issue 20: one paging and sorting mechanism for the staff lists (`common/listing.py`); the API
    pages through `common/pagination.py`. No view builds its own Paginator or OrderingFilter."""
    assert _hits(r"\bPaginator\(", allowed={"hechuan_portal/common/listing.py"}) == []
    assert _hits(r"OrderingFilter\(") == []
