"""The web worker's start-up warm-up (hechuan_portal/warmup.py, run by wsgi.py)."""

import importlib
import logging

from django.template.loader import get_template
from django.urls import clear_url_caches, get_resolver


def test_wsgi_start_up_fills_the_url_map_and_names_only_existing_templates(caplog):
    clear_url_caches()
    with caplog.at_level(logging.WARNING, logger="hechuan_portal.warmup"):
        wsgi = importlib.reload(importlib.import_module("hechuan_portal.wsgi"))
    assert callable(wsgi.application)
    assert get_resolver()._populated
    assert not caplog.records  # every template the warm-up names exists
    from hechuan_portal.warmup import TEMPLATES

    assert all(get_template(name) for name in TEMPLATES)
