"""The Celery task of an uploaded import: a batch never stays "running" after the task ended."""

import datetime as dt

import pytest

from hechuan_portal.residents import importer
from hechuan_portal.residents.models import ImportBatch, Resident
from hechuan_portal.residents.tasks import import_batch_task

from .conftest import csv_line, extract
from .factories import make_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(
        extract([csv_line(make_id(dt.date(1940, 1, 1), seq=501), "丁", "男", "1940-01-01")]).getvalue()
    )
    batch = ImportBatch.objects.create(
        file_name=path.name, stored_file=str(path), extract_date=dt.date(2026, 11, 1)
    )
    return batch, path


def test_a_loaded_upload_succeeds_and_its_file_is_removed(upload):
    batch, path = upload
    assert import_batch_task(batch.pk) == "succeeded"
    assert Resident.objects.filter(name="丁").exists() and not path.exists()


def test_an_unexpected_error_marks_the_batch_failed_in_chinese(upload, monkeypatch):
    batch, path = upload

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")  # stands for any error the importer does not foresee

    monkeypatch.setattr(importer, "_area_levels", broken)
    with pytest.raises(RuntimeError):
        import_batch_task(batch.pk)
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.finished_at is not None
    assert "未导入任何数据" in batch.message and "disk full" not in batch.message
    assert not Resident.objects.exists()  # the load rolled back
    assert not path.exists()  # the full ID numbers are not left on disk
    # A redelivery of the same message finds the batch finished and does nothing.
    assert import_batch_task(batch.pk) == "failed"
