"""The state of a background job a page waits on: one dict in the cache per job, kept for an hour.

The facility import (`facilities/import_jobs.py`) and the long exports
(`accounts/export_jobs.py`) both keep their jobs here. A job is a plain dict the Celery task updates
(`state`, `rows` done so far, `total` when known, …) and the job's page polls (htmx). Only its id, a
random hex string, reaches a URL; the page checks `job["user"]` against the request's user.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache

JOB_SECONDS = 3600
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)


class JobStore:
    """Jobs of one kind, under the cache prefix `prefix`."""

    def __init__(self, prefix: str, seconds: int = JOB_SECONDS) -> None:
        self.prefix = prefix
        self.seconds = seconds

    def key(self, job_id: str, part: str = "") -> str:
        return f"{self.prefix}:{job_id}{':' + part if part else ''}"

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def create(self, job: dict[str, Any]) -> str:
        job_id = self.new_id()
        self.save(job_id, job)
        return job_id

    def get(self, job_id: str) -> dict[str, Any] | None:
        if not job_id.isalnum():
            return None
        return cache.get(self.key(job_id))

    def save(self, job_id: str, job: dict[str, Any]) -> None:
        cache.set(self.key(job_id), job, self.seconds)

    def update(self, job_id: str, **changes: Any) -> dict[str, Any] | None:
        job = self.get(job_id)
        if job is not None:
            job.update(changes)
            self.save(job_id, job)
        return job

    def progress(self, job_id: str, every: int = 500):
        """A callback for a task's loop: `rows` is written every `every` rows, not on each one."""

        def report(rows: int) -> None:
            if rows % every == 0:
                self.update(job_id, rows=rows)

        return report
