"""`{% load portal_format %}{{ amount|money }}` → `¥54,150.00`: one money format on every page.

Kept here because the project package's `common/` is not an app (no template library of its own);
the rule itself is `common/formatting.py: money`, which services and messages use too."""

from __future__ import annotations

from django import template

from hechuan_portal.common.formatting import money as money_text

register = template.Library()


@register.filter
def money(value) -> str:
    return money_text(value)
