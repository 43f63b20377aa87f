"""`{% frame "header" large_type user.is_authenticated %}…{% endframe %}`: a part of the site frame
rendered once per process for each language and each combination of the values it names.

Every staff page rendered its header, menu and footer again on each request — some forty
translations, fifteen reversed URLs and the static files' hashed names, half the template time of an
empty staff page (issue 20). What such a part shows depends on this release's code (templates,
catalogues, URLconf, static manifest), the active language, the script prefix and the values the tag
names, so it is kept in the process (the "process" cache, like the map controls' texts) after the
first time. Name every value the part reads: a value it reads and does not name is frozen at its
first rendering. Access checks belong outside, as named values (`{% can … as may_x %}` first).

Three per-request values may sit inside a frame: `{% csrf_token %}`, `{{ CSP_NONCE }}` and
`{{ frame_path }}` (the request's full path, for the language switch's way back). The part is
rendered with placeholders for them, and they are written in, escaped, on every request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django import template
from django.core.cache import caches
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

FRAME_SECONDS = 24 * 60 * 60  # what a part shows changes only with a release (a new process)


def _csrf_token(context: template.Context) -> str:
    token = str(context.get("csrf_token") or "")
    return "" if token == "NOTPROVIDED" else token  # what {% csrf_token %} writes without a token


def _path(context: template.Context) -> str:
    request = context.get("request")
    return request.get_full_path() if request else ""


# Each per-request value: the context name a frame reads it by, and how this request's value is found.
# Its placeholder is made of private-use characters: nothing a template writes or a user types.
PER_REQUEST: dict[str, Callable[[template.Context], str]] = {
    "csrf_token": _csrf_token,
    "CSP_NONCE": lambda context: str(context.get("CSP_NONCE") or ""),
    "frame_path": _path,
}
HOLES = {name: f"\ue000{name}\ue000" for name in PER_REQUEST}


class FrameNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str, vary_on: list[template.base.FilterExpression]):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context: template.Context) -> SafeString:
        values = tuple(value.resolve(context) for value in self.vary_on)
        origin = self.origin.name if self.origin else ""
        said = f"{origin}|{self.name}|{get_language()}|{get_script_prefix()}|{get_urlconf()}|{values!r}"
        key = "frame:" + hashlib.sha1(said.encode(), usedforsecurity=False).hexdigest()
        store = caches["process"]
        html = store.get(key)
        if html is None:
            with context.push(**HOLES):
                html = str(self.nodelist.render(context))
            store.set(key, html, FRAME_SECONDS)
        for name, hole in HOLES.items():
            if hole in html:
                html = html.replace(hole, conditional_escape(PER_REQUEST[name](context)))
        return mark_safe(html)  # rendered by our templates; the values written in are escaped


@register.tag
def frame(parser: template.base.Parser, token: template.base.Token) -> FrameNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('{% frame %} needs a name: {% frame "header" value … %}')
    nodelist = parser.parse(("endframe",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return FrameNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])
