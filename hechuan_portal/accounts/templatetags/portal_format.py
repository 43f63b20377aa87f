"""`{% load portal_format %}{{ amount|money }}` → `¥54,150.00`: one money format on every page;
`{% sort_header "beds" label %}`: a list's column head that sorts by it, the filters kept in the URL.

Kept here because the project package's `common/` is not an app (no template library of its own);
the rule itself is `common/formatting.py: money`, which services and messages use too."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hechuan_portal.common.formatting import money as money_text

register = template.Library()


@register.filter
def money(value) -> str:
    return money_text(value)


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, key: str, label: str) -> str:
    """A link that sorts the list by `key` (again: the other way), keeping every filter, back to
    page 1; `aria-sort` and an arrow mark the current order."""
    params = context["request"].GET.copy()
    current = params.get("ordering", "")
    params["ordering"] = f"-{key}" if current == key else key
    params.pop("page", None)
    state = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
    mark = {"ascending": " ▲", "descending": " ▼", "none": ""}[state]
    title = _("按此列排序")
    return format_html(
        '<a class="sort" href="?{}" aria-sort="{}" title="{}">{}{}</a>',
        params.urlencode(),
        state,
        title,
        label,
        mark,
    )
