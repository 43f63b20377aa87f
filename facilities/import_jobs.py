"""Uploaded facility imports run as Celery tasks (issue 21 item 3): the upload goes to the media
store under a random name, the task streams it through `services.facilities_import` (preview, then
on confirmation the import), and the job's state, progress and report live in the cache for an
hour. The page polls the job; the web request never parses the file.

A job: {"user": pk, "file": storage name, "name": the uploaded file's name,
"state": queued|running|previewed|done|failed|discarded (a preview the uploader refused),
"dry_run": bool, "rows": rows read so far, "total": bytes of the upload, "report": ImportReport
as a dict}. Uploads older than `JOB_SECONDS` are removed by every task (and never hold ID numbers).
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone

from hechuan_portal.common.jobstate import (  # noqa: F401 (the states, for the views and tasks)
    ACTIVE,
    DONE,
    FAILED,
    JOB_SECONDS,
    QUEUED,
    RUNNING,
    JobStore,
)

FOLDER = "imports/facilities"
PREVIEWED, DISCARDED = "previewed", "discarded"

_store = JobStore("facilities:import-job", JOB_SECONDS)


def create(*, user_id: int, upload: Any) -> str:
    """Store the upload (streamed in chunks by the storage) and record a queued preview job."""
    job_id = _store.new_id()
    name = default_storage.save(f"{FOLDER}/{job_id}.upload", upload)
    original = PurePath(getattr(upload, "name", "") or "").name[:200]
    job = {"user": user_id, "file": name, "name": original, "state": QUEUED, "dry_run": True, "rows": 0}
    _store.save(job_id, {**job, "report": None})
    return job_id


get = _store.get
save = _store.save
update = _store.update


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
