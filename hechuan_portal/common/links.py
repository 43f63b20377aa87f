"""Links to many rows of one view at the cost of one `reverse()`.

A list that links each of its rows to the row's page reversed the URL once per row: on the resident
search's 50 rows that was a sixth of the page (issue 20), and the residents' `near` search builds a
link for every facility it answers. `row_links(viewname)` reverses the view once with a sentinel key
(then remembers it per script prefix and URLconf) and returns a function that writes the key in its
place; the URLconf stays the one place a path is written.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse

_SENTINEL = 987654321987


@lru_cache(maxsize=64)
def _around_key(viewname: str, _script_prefix: str, _urlconf: Any) -> tuple[str, str]:
    """What comes before and after the key in the view's URL (reverse() depends on the other two)."""
    head, sep, tail = reverse(viewname, args=[_SENTINEL]).partition(str(_SENTINEL))
    if not sep or str(_SENTINEL) in tail:
        raise ValueError(f"{viewname}'s URL does not hold its key exactly once")
    return head, tail


def row_links(viewname: str) -> Callable[[int], str]:
    """`lambda pk: reverse(viewname, args=[pk])` for a view whose one argument is an integer key."""
    head, tail = _around_key(viewname, get_script_prefix(), get_urlconf())

    def link(pk: int) -> str:
        return f"{head}{int(pk)}{tail}"

    return link
