"""SECURITY.md's issue 21 table names a test for each item: every name it gives must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _issue_21_rows() -> list[str]:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    section = text.split("## Issue 21", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if re.match(r"\| \d+ \|", line)]


def _named_tests(cell: str) -> list[tuple[str, str]]:
    """(file, test) for each `path.py::name` and each following `::name` (same file) in `cell`."""
    out, current = [], None
    for token in re.findall(r"`([^`]+)`", cell):
        match = re.fullmatch(r"([\w/.]+\.py)(?:::(\w+))?(?:\[.*\])?", token)
        if match:
            current = match[1]
            if match[2]:
                out.append((current, match[2]))
            continue
        match = re.fullmatch(r"::(\w+)(?:\[.*\])?", token)
        if match and current:
            out.append((current, match[1]))
    return out


def test_every_item_of_issue_21_is_listed():
    numbers = [int(re.match(r"\| (\d+) \|", row)[1]) for row in _issue_21_rows()]
    assert numbers == list(range(1, 16))


def test_every_test_named_for_issue_21_exists():
    missing, named = [], 0
    for row in _issue_21_rows():
        for path, test in _named_tests(row.rsplit("|", 2)[-2]):
            named += 1
            candidates = [ROOT / path, *ROOT.glob(f"**/tests/{Path(path).name}")]
            found = [
                c for c in candidates if c.is_file() and re.search(rf"def {test}\(", c.read_text("utf-8"))
            ]
            if not found:
                missing.append(f"{path}::{test}")
    assert named > 30
    assert missing == []
