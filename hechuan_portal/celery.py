"""Celery application: Redis broker, settings from Django (CELERY_*), tasks found in each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hechuan_portal.settings")

app = Celery("hechuan_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
