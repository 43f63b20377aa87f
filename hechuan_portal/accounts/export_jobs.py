"""Long exports as Celery tasks (issue 20 item 3): the page starts a job and shows its progress, then
a download link that only the requesting user can follow.

- `start(actor=…, builder="subsidies.services.payroll_export", params={…}, filename=…, …)` records a
  queued job (`common/jobstate.py`, like the facility import) and queues `accounts.export_job`.
  The builder is an export service of the form `fn(*, actor, output, on_progress, **params) -> rows`:
  it checks access and audits the export (EXPORT, with the row count) as it does for the command.
- The task writes the file into memory and keeps it in the cache encrypted with the field key
  (`crypto.encrypt_bytes`), for an hour: a file with full ID numbers never touches a disk.
- `accounts:export_job` is the job's page (htmx polls it); `accounts:export_file` sends the file
  after a fresh re-authentication, to the job's owner only, and audits the download (`audit_read`
  with the rows, `note_download` for the page that started it).

A job: {"user": pk, "builder": dotted path, "params": dict, "filename", "content_type", "label",
"model": app_label.model of the records it holds, "language", "state": queued|running|done|failed,
"rows": rows written so far, "total": rows expected or None, "error": the refusal's message}.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string

from hechuan_portal.common import crypto
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.jobs import TRANSIENT_ERRORS
from hechuan_portal.common.jobstate import ACTIVE, DONE, FAILED, QUEUED, RUNNING, JobStore

store = JobStore("accounts:export-job")


def start(
    *,
    actor: Any,
    builder: str,
    params: dict[str, Any],
    filename: str,
    content_type: str,
    label: str,
    model: str,
    total: int | None = None,
) -> str:
    """Record a queued export for `actor` and queue its task once the request commits."""
    from .tasks import export_job  # tasks import this module

    job_id = store.create(
        {
            "user": actor.pk,
            "builder": builder,
            "params": params,
            "filename": filename,
            "content_type": content_type,
            "label": label,
            "model": model,
            "language": translation.get_language(),
            "state": QUEUED,
            "rows": 0,
            "total": total,
            "error": "",
        }
    )
    transaction.on_commit(lambda: export_job.delay(job_id))
    return job_id


def get(job_id: str, user: Any) -> dict[str, Any] | None:
    """The job, if it is this user's (anyone else's is not found)."""
    job = store.get(job_id)
    if job is None or job["user"] != getattr(user, "pk", None):
        return None
    return job


def run(job_id: str) -> str | None:
    """The task's body: build the file as the requesting user, in their language. Safe to run twice:
    a job that already finished is left as it is."""
    job = store.get(job_id)
    if job is None or job["state"] not in ACTIVE:
        return job and job["state"]
    user = get_user_model().objects.filter(pk=job["user"], is_active=True).first()
    if user is None:
        store.update(job_id, state=FAILED)
        return FAILED
    store.update(job_id, state=RUNNING, rows=0)
    buffer = io.BytesIO()
    try:
        with translation.override(job.get("language")):
            rows = import_string(job["builder"])(
                actor=user, output=buffer, on_progress=store.progress(job_id), **job["params"]
            )
    except PortalError as exc:
        with translation.override(job.get("language")):
            store.update(job_id, state=FAILED, error=str(exc.detail))
        return FAILED
    except TRANSIENT_ERRORS:
        store.update(job_id, state=QUEUED)  # retried (RETRY_TRANSIENT)
        raise
    except Exception:
        store.update(job_id, state=FAILED)
        raise
    cache.set(store.key(job_id, "file"), crypto.encrypt_bytes(buffer.getvalue()), store.seconds)
    store.update(job_id, state=DONE, rows=rows, total=rows)
    return DONE


def file_body(job_id: str) -> bytes | None:
    token = cache.get(store.key(job_id, "file"))
    return None if token is None else crypto.decrypt_bytes(token)
