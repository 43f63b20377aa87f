"""Celery wrapper of an uploaded household import (progress in the cache, report in the batch)."""

from __future__ import annotations

import logging
from pathlib import Path

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from .importer import ImportFailed
from .models import ImportBatch, ImportStatus
from .services import residents_import

log = logging.getLogger(__name__)


def progress_key(batch_id: int) -> str:
    return f"residents:import:{batch_id}:rows"


def _mark_failed(batch_id: int) -> None:
    """An unexpected error: the load rolled back, so say so in the batch instead of leaving it
    "running" forever (the file is deleted below, so a retry needs a new upload)."""
    ImportBatch.objects.filter(pk=batch_id, status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING)).update(
        status=ImportStatus.FAILED,
        message=_("导入时发生系统错误，未导入任何数据，请重新上传；如再次失败请联系管理员"),
        finished_at=timezone.now(),
    )


@shared_task(name="residents.import_batch")
def import_batch_task(batch_id: int) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return batch.status  # redelivered after it finished: nothing to do

    def progress(rows: int) -> None:
        cache.set(progress_key(batch_id), rows, 24 * 3600)

    try:
        residents_import(
            path=batch.stored_file,
            extract_date=batch.extract_date,
            source=batch.source,
            skip_invalid=batch.skip_invalid,
            batch=batch,
            on_progress=progress,
        )
    except ImportFailed:
        pass  # refused: the batch holds the reason and the report
    except Exception:
        log.exception("household import batch %s failed", batch_id)
        _mark_failed(batch_id)
        raise
    finally:
        # The upload holds full ID numbers: it is kept only until it has been loaded (or refused).
        # A killed worker never reaches this line, so the redelivered task still finds the file.
        Path(batch.stored_file).unlink(missing_ok=True)
    return ImportBatch.objects.get(pk=batch_id).status
