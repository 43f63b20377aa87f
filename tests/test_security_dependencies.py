"""Issue 21 item 15: the pinned versions carry the security fixes named in the issue, and the release
checklist runs `make audit` (pip-audit on the lock file, npm audit)."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {m[1].lower(): m[2] for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", text, re.M)}


def _tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_django_with_the_december_security_release_is_pinned_and_installed():
    assert _tuple(_pins()["django"]) >= (5, 2, 20)
    assert _tuple(version("django")) >= (5, 2, 20)


def test_make_audit_reads_the_lock_file_and_is_on_the_release_checklist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\naudit:", 1)[1].split("\n\n", 1)[0]
    assert "pip-audit" in target and "-r requirements.lock" in target and "npm audit" in target
    checklist = (
        (ROOT / "SECURITY.md")
        .read_text(encoding="utf-8")
        .split("## Dependencies and the release checklist")[1]
    )
    assert "`make audit`" in checklist
