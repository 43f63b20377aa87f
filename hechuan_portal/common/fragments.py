"""Rendered parts of a staff page kept in the cache, keyed by who may see what and by a data version.

A list page renders the same rows for everyone who shares a scope, a language and a query; doing it
again on every request cost most of the page's time (the facility list: 50 rows, a filter form with
every town, a COUNT and totals — issue 20). A view asks for its part by topic:

    parts = cached_parts(request, "facilities", lambda: {"table": render_to_string(...)})

- The key: the topic, the topic's version, the viewer's scope (accounts/scope.py: district, one town,
  one operator), the active language and the query string (sorted). Nothing else may vary the part:
  per-request values (the CSRF token, the CSP nonce, the role's menu) stay outside it.
- The version is a counter in the cache, bumped by `changed(topic)` wherever the topic's rows are
  written (one truth: the writers say so, never a guess from the readers): at once, so the writing
  transaction reads its own rows, and again after the commit, so a part another request rendered in
  between from the rows before the commit is never read again.
- `PART_SECONDS` bounds what time alone changes (a capacity report turning 30 days old) and any write
  that bypasses the writers (a raw SQL fix): after it the part is rendered again.
- `forget_all()` starts every topic afresh (the tests call it before each test: their factories write
  rows the cache has not heard of).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from hechuan_portal.accounts.scope import scope_for

PART_SECONDS = 5 * 60


GENERATION_KEY = "fragments:generation"


def _version_key(topic: str) -> str:
    return f"fragments:{topic}:version"


def _bump(key: str) -> None:
    cache.add(key, 0, timeout=None)  # incr needs the key; add leaves an existing one alone
    cache.incr(key)


def changed(topic: str) -> None:
    """The rows behind `topic`'s cached parts change (in this transaction, if one is open)."""
    _bump(_version_key(topic))
    transaction.on_commit(lambda: _bump(_version_key(topic)))


def forget_all() -> None:
    _bump(GENERATION_KEY)


def part_key(request, topic: str) -> str:
    """The cache key of `topic`'s parts for this request's viewer, language and query, as of now."""
    versions = cache.get_many([GENERATION_KEY, _version_key(topic)])
    version = f"{versions.get(GENERATION_KEY, 0)}.{versions.get(_version_key(topic), 0)}"
    scope = scope_for(request.user)
    who = "all" if scope.everything else f"t{scope.town_code or ''}o{scope.operator_id or ''}"
    query = "&".join(f"{k}={v}" for k, values in sorted(request.GET.lists()) for v in values)
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"fragments:{topic}:{version}:{who}:{translation.get_language()}:{digest}"


def cached_parts(request, topic: str, render: Callable[[], dict[str, str]]) -> dict[str, SafeString]:
    """`render()`'s parts (name → HTML) for this request, from the cache when another request with the
    same key rendered them since the topic last changed."""
    key = part_key(request, topic)
    parts = cache.get(key)
    if parts is None:
        parts = {name: str(html) for name, html in render().items()}
        cache.set(key, parts, PART_SECONDS)
    return {name: mark_safe(html) for name, html in parts.items()}  # rendered by our templates
