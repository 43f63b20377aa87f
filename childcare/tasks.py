"""Celery wrappers around the childcare services (schedule them in the admin, django-celery-beat)."""

from celery import shared_task

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.jobs import RETRY_TRANSIENT

from . import services


@shared_task(name="childcare.expire_offers", **RETRY_TRANSIENT)
def expire_offers() -> int:
    """Hourly is enough: lapsed waitlist offers go to the next family."""
    return services.waitlist_expire_offers(actor=SYSTEM)


@shared_task(name="childcare.generate_checkups", **RETRY_TRANSIENT)
def generate_checkups() -> int:
    """Nightly: the due check-ups of every active enrolment (idempotent)."""
    return services.checkups_generate(actor=SYSTEM)
