import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hechuan_portal.settings")
application = get_wsgi_application()

# Import the views and compile the first pages now, not during somebody's first request.
from hechuan_portal.warmup import warm  # noqa: E402

warm()
# What boot made (modules, URL patterns, templates, catalogues: ≈ 200,000 objects) lives as long as
# the worker. Out of the collector's sight, a full collection no longer walks it: one took ≈ 100 ms,
# a stall once every few thousand requests of a worker (bench_http; docs/performance.md).
gc.freeze()
