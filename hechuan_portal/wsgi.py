import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hechuan_portal.settings")
application = get_wsgi_application()

# Import the views and compile the first pages now, not during somebody's first request.
from hechuan_portal.warmup import warm  # noqa: E402

warm()
