"""Celery wrappers of a household import: the upload (progress in the cache, report in the batch) and
the rebuild of the summaries derived from the register once an import has committed."""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from django.core.cache import cache

from hechuan_portal.accounts.roles import SYSTEM

from .importer import ImportFailed
from .models import ImportBatch, ImportStatus
from .services import register_summaries_refresh, residents_import


def progress_key(batch_id: int) -> str:
    return f"residents:import:{batch_id}:rows"


@shared_task(name="residents.import_batch")
def import_batch_task(batch_id: int) -> str:
    """Load an uploaded batch as SYSTEM (the uploader's right was checked when it was queued; the
    audit rows still name the uploader)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return batch.status  # redelivered after it finished: nothing to do

    def progress(rows: int) -> None:
        cache.set(progress_key(batch_id), rows, 24 * 3600)

    try:
        residents_import(
            actor=SYSTEM,
            path=batch.stored_file,
            extract_date=batch.extract_date,
            source=batch.source,
            skip_invalid=batch.skip_invalid,
            batch=batch,
            on_progress=progress,
        )
    except ImportFailed:
        pass  # refused: the batch holds the reason and the report
    # Any other error: the service marked the batch failed; Celery logs the error.
    finally:
        # The upload holds full ID numbers: it is kept only until it has been loaded (or refused).
        # A killed worker never reaches this line, so the redelivered task still finds the file.
        Path(batch.stored_file).unlink(missing_ok=True)
    return ImportBatch.objects.get(pk=batch_id).status


@shared_task(name="residents.refresh_summaries")
def register_summaries_task(batch_id: int | None = None) -> None:
    """Rebuild the register's summaries and the apps' derived tables as SYSTEM after an import
    (queued on commit by `services.residents_import`). Idempotent: a redelivery rebuilds the same rows."""
    batch = ImportBatch.objects.filter(pk=batch_id).first() if batch_id is not None else None
    register_summaries_refresh(actor=SYSTEM, batch=batch)
