"""Uploaded facility imports run as Celery tasks (issue 21 item 3): the upload goes to the media
store under a random name, the task streams it through `services.facilities_import` (preview, then
on confirmation the import), and the job's state, progress and report live in the cache for an
hour. The page polls the job; the web request never parses the file.

A job: {"user": pk, "file": storage name, "state": queued|running|previewed|done|failed,
"dry_run": bool, "rows": rows read so far, "total": bytes of the upload, "report": ImportReport
as a dict}. Uploads older than `JOB_SECONDS` are removed by every task (and never hold ID numbers).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils import timezone

JOB_SECONDS = 3600
FOLDER = "imports/facilities"
QUEUED, RUNNING, PREVIEWED, DONE, FAILED = "queued", "running", "previewed", "done", "failed"
ACTIVE = (QUEUED, RUNNING)


def _key(job_id: str) -> str:
    return f"facilities:import-job:{job_id}"


def create(*, user_id: int, upload: Any) -> str:
    """Store the upload (streamed in chunks by the storage) and record a queued preview job."""
    job_id = uuid.uuid4().hex
    name = default_storage.save(f"{FOLDER}/{job_id}.upload", upload)
    save(job_id, {"user": user_id, "file": name, "state": QUEUED, "dry_run": True, "rows": 0, "report": None})
    return job_id


def get(job_id: str) -> dict[str, Any] | None:
    if not job_id.isalnum():
        return None
    return cache.get(_key(job_id))


def save(job_id: str, job: dict[str, Any]) -> None:
    cache.set(_key(job_id), job, JOB_SECONDS)


def update(job_id: str, **changes: Any) -> dict[str, Any] | None:
    job = get(job_id)
    if job is not None:
        job.update(changes)
        save(job_id, job)
    return job


def discard_file(job: dict[str, Any]) -> None:
    if job.get("file"):
        default_storage.delete(job["file"])
        job["file"] = ""


def purge_stale(now: dt.datetime | None = None) -> int:
    """Delete uploads older than an hour (a preview never confirmed); returns how many."""
    limit = (now or timezone.now()) - dt.timedelta(seconds=JOB_SECONDS)
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in files:
        path = f"{FOLDER}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)
            removed += 1
    return removed
