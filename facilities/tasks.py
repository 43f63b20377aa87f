"""Celery wrappers: each calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.jobs import RETRY_TRANSIENT, TRANSIENT_ERRORS

from . import import_jobs
from .services import CoverageBusy, ImportReport, coverage_refresh, facilities_import


@shared_task(name="facilities.refresh_coverage", **RETRY_TRANSIENT)
def refresh_coverage(user_id: int | None = None) -> int | None:
    """Recompute the 15-minute service circle; a run already in progress makes this one a no-op.

    `user_id` is who pressed the button (the run names them); the nightly schedule passes none and
    the run is the system's.
    """
    actor = (get_user_model().objects.filter(pk=user_id).first() if user_id else None) or SYSTEM
    try:
        return coverage_refresh(actor=actor).pk
    except CoverageBusy:
        return None


@shared_task(name="facilities.import_job", **RETRY_TRANSIENT)
def import_job(job_id: str) -> str | None:
    """Preview or import an uploaded registry file as its uploader (their town scope applies).

    Safe to run twice: a job that already finished is left as it is. The file is removed once
    imported, once a preview found errors, or an hour after upload (`import_jobs.purge_stale`).
    """
    import_jobs.purge_stale()
    job = import_jobs.get(job_id)
    if job is None or job["state"] not in import_jobs.ACTIVE:
        return job and job["state"]
    user = get_user_model().objects.filter(pk=job["user"], is_active=True).first()
    if user is None or not job.get("file"):
        import_jobs.discard_file(job)
        import_jobs.update(job_id, state=import_jobs.FAILED, file="")
        return import_jobs.FAILED
    import_jobs.update(job_id, state=import_jobs.RUNNING, rows=0)
    try:
        with default_storage.open(job["file"], "rb") as source:
            report = facilities_import(
                actor=user,
                source=source,
                dry_run=job["dry_run"],
                skip_invalid=job.get("skip_invalid", False),
                on_progress=lambda rows: import_jobs.update(job_id, rows=rows),
            )
    except TRANSIENT_ERRORS:
        import_jobs.update(job_id, state=import_jobs.QUEUED)  # retried (RETRY_TRANSIENT), file kept
        raise
    except Exception:
        import_jobs.discard_file(job)
        import_jobs.update(job_id, state=import_jobs.FAILED, file="")
        raise
    state = import_jobs.PREVIEWED if job["dry_run"] else import_jobs.DONE
    if not job["dry_run"] or not report.ok:
        import_jobs.discard_file(job)
    import_jobs.update(job_id, state=state, file=job["file"], rows=report.rows, report=report.as_dict())
    return state


def job_report(job: dict) -> ImportReport | None:
    return ImportReport.from_dict(job["report"]) if job.get("report") else None
