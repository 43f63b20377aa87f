"""Issue 21 item 14: the image's build context holds no secrets, environments, backups or uploads.

The matcher follows Docker's rules for .dockerignore: patterns anchored at the context root, `*` and
`?` within one path segment, `**` across segments, a matched directory excludes everything beneath
it, `!` re-includes, and the last matching line wins.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _patterns() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                regex += ".*"
                i += 2
            elif pattern[i] == "*":
                regex += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                regex += "[^/]"
                i += 1
            else:
                regex += re.escape(pattern[i])
                i += 1
        # A pattern naming a directory excludes what is beneath it.
        rules.append((negate, re.compile(f"^{regex}(?:/.*)?$")))
    return rules


def excluded(path: str, rules=None) -> bool:
    rules = rules if rules is not None else _patterns()
    result = False
    for negate, regex in rules:
        if regex.match(path):
            result = not negate
    return result


def test_secrets_and_local_state_are_not_in_the_build_context():
    for path in [
        ".env",
        ".env.production",
        ".venv/bin/python",
        ".git/config",
        "backups/hechuan-2026-12-01.dump",
        "hechuan-2026-12-01.dump",
        "media/inspections/photo.jpg",
        "node_modules/htmx.org/package.json",
        "staticfiles/manifest.json",
        "test-artifacts/trace.zip",
        "facilities/__pycache__/models.cpython-311.pyc",
        "deploy/tls/server.key",
    ]:
        assert excluded(path), path


def test_the_source_is_in_the_build_context():
    for path in [
        "manage.py",
        "pyproject.toml",
        "requirements.lock",
        "package.json",
        "package-lock.json",
        ".env.example",
        "hechuan_portal/settings.py",
        "locale/en/LC_MESSAGES/django.po",
        "static/css/portal.css",
        "templates/base.html",
    ]:
        assert not excluded(path), path


def test_nothing_secret_in_this_checkout_would_be_sent():
    """Walk this checkout as `docker build` would and look at what it would send."""
    rules = _patterns()
    sent = []
    for directory, dirs, files in os.walk(ROOT):
        rel_dir = os.path.relpath(directory, ROOT)
        prefix = "" if rel_dir == "." else f"{rel_dir}/"
        dirs[:] = [d for d in dirs if not excluded(prefix + d, rules)]
        sent += [prefix + f for f in files if not excluded(prefix + f, rules)]
    assert sent, "the context is empty"
    names = {Path(p).name for p in sent}
    assert ".env" not in names
    assert not [p for p in sent if p.startswith((".venv/", "node_modules/", "backups/", "media/", ".git/"))]
    assert not [p for p in sent if p.endswith((".dump", ".pem", ".key"))]
    env_example = ROOT / ".env.example"
    if env_example.exists():
        assert ".env.example" in sent
