"""`{% inline_static "css/portal.css" %}`: a static file's text, for the finder's first screen.

On a slow 3G line (2 s a round trip) every stylesheet in <head> costs another round trip before the
first paint; the finder's own styles are small, so its pages carry them inline and load the map's
files after the content (issue 19: the first screen of / usable in under 3 s)."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@lru_cache(maxsize=16)
def _read(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise template.TemplateSyntaxError(f"no static file {path!r}")
    with open(found if isinstance(found, str) else found[0], encoding="utf-8") as handle:
        # Closing tags cannot end the <style> element early: the files are the portal's own CSS.
        return handle.read().replace("</", "<\\/")


@register.simple_tag
def inline_static(path: str) -> SafeString:
    if settings.DEBUG:
        _read.cache_clear()  # edits show at once in development
    return mark_safe(_read(path))  # noqa: S308 — the portal's own static file, not user input


@register.filter(is_safe=True)
def deferred(html: str) -> SafeString:
    """`<script src=…>` tags run after the page is parsed, in order (`defer`): the map's files never
    stop the parser on a slow line. Inline scripts are left alone."""
    return mark_safe(str(html).replace("<script src=", "<script defer src="))  # noqa: S308 — template output
