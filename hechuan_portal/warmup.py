"""Warm a web worker before it serves its first request (wsgi.py calls `warm` at start-up).

A fresh process spent 0.8 s of its first staff request importing every app's URLconf and views
(Django imports them lazily, on the first URL resolution) and more compiling templates and loading
translation catalogues (issue 9: dashboard first load, profiled with cProfile). Doing it at boot,
before gunicorn hands the worker a connection, keeps that cost off every user's first page.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

log = logging.getLogger(__name__)

# The pages staff and residents open first: the staff home (dashboard) and the public finder.
TEMPLATES = ("manage/home.html", "manage/base.html", "manage/_nav.html", "manage/_home_cards.html", "base.html")


def warm() -> None:
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 (imports every URLconf and view; fills the reverse map)
            translation.gettext("户籍人口")  # loads this language's catalogues
    for name in TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            log.warning("warm-up: template %s not found", name)
