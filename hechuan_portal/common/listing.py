"""Every staff list's paging and column sorting: one mechanism.

A view names the columns a person may sort by (a whitelist: URL key → model fields) and gets back
one page of 50:

    page = sorted_page(request, qs, columns={"name": "name", "town": ("town_id", "name")})

- `?ordering=key` sorts ascending, `?ordering=-key` descending; any other value (a field not in the
  whitelist, a lookup, garbage) is ignored: the rows keep the order their selector gave — never a 500.
- `?page=` is read by Django's `Paginator.get_page`: not a number → the first page, past the end → the
  last page (never a 404, never a 500).
- The primary key closes every order, so a page boundary never shows a row twice.

The template side is `{% sort_header "key" label %}` (portal_format) on the column heads and
`{% include "manage/_pager.html" %}` under the table: both keep every filter in the URL. On a phone the
table scrolls sideways inside `.table-scroll` with its first column fixed (portal.css).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet

PER_PAGE = 50
ORDERING_PARAM = "ordering"
PAGE_PARAM = "page"


def apply_ordering(
    qs: QuerySet, value: str | None, columns: Mapping[str, str | Sequence[str]]
) -> tuple[str, QuerySet]:
    """(the accepted key as asked, e.g. "-beds", or ""; `qs` in that order). An unknown value leaves
    `qs` in the order its selector gave it."""
    raw = (value or "").strip()
    key = raw[1:] if raw.startswith("-") else raw
    if key not in columns:
        return "", qs
    fields = columns[key]
    fields = (fields,) if isinstance(fields, str) else tuple(fields)
    descending = raw.startswith("-")
    # NULLs last in both directions: an empty date or score never leads the list.
    order = [F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in fields]
    return raw, qs.order_by(*order, "-pk" if descending else "pk")


def sorted_page(
    request,
    qs: QuerySet | Sequence,
    *,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of `qs` (a COUNT and a slice: the query count does not grow with the rows), ordered by
    the whitelisted `?ordering=` column, else as given. `page.ordering` is the accepted key or ""."""
    ordering = ""
    if columns is not None and isinstance(qs, QuerySet):
        ordering, qs = apply_ordering(qs, request.GET.get(ORDERING_PARAM), columns)
    page = Paginator(qs, per_page).get_page(request.GET.get(PAGE_PARAM))
    page.ordering = ordering
    return page
