"""Both sides of the finder's and the import's limits: a vacancy 30 days old is fresh and 31 days old
is not; walking minutes below 2,000 m and kilometres from 2,000 m; the import's upload size and a
workbook's unpacked size, exactly at the limit and one byte over (small limits, so the files are
small)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from facilities import services, standards
from facilities.error_codes import ErrorCode
from facilities.models import Facility, FacilityKind
from facilities.public_views import WALK_DISTANCE_LIMIT_M, present
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.tabular import TableError

from .factories import FacilityFactory, pt

pytestmark = pytest.mark.django_db
FINDER = {"lng": "106.270", "lat": "30.000", "need": "nursing"}


@pytest.mark.parametrize(
    ("age", "fresh"),
    [
        # Whole days since the report: day 30 still counts, day 31 does not (STALE_CAPACITY_DAYS).
        (dt.timedelta(days=30), True),
        (dt.timedelta(days=31) - dt.timedelta(minutes=5), True),
        (dt.timedelta(days=31) + dt.timedelta(minutes=5), False),
        (dt.timedelta(days=32), False),
    ],
)
def test_a_vacancy_is_fresh_through_day_30_and_stale_from_day_31(client, age, fresh):
    assert standards.STALE_CAPACITY_DAYS == 30
    facility = FacilityFactory(
        name="敬老院",
        kind=FacilityKind.NURSING_HOME,
        location=pt(106.270, 30.001),
        beds_total=50,
        beds_occupied=40,
        capacity_reported_at=timezone.now() - age,
    )
    # The 有空位 filter (the database's clock) and the page's label (whole days) agree.
    assert Facility.objects.fresh_vacancy().filter(pk=facility.pk).exists() is fresh
    [row] = client.get("/", FINDER).context["results"]
    assert row["vacancy_days"] == age.days
    assert row["vacancy_state"] == ("fresh" if fresh else "stale")
    vacant = client.get("/", {**FINDER, "vacant": "1"}).context["results"]
    assert [r["id"] for r in vacant] == ([facility.pk] if fresh else [])


def _row(metres: float) -> dict:
    return {
        "distance_m": metres,
        "vacancy_days": None,
        "available": True,
        "lng": 106.27,
        "lat": 30.0,
        "name": "食堂",
        "address": "",
    }


def test_walking_minutes_below_2_km_and_kilometres_from_2_km():
    assert WALK_DISTANCE_LIMIT_M == 2000
    walked = present(_row(1999.0))
    assert walked["walk_minutes"] == standards.walking_minutes(1999.0) and walked["walk_minutes"] > 1
    driven = present(_row(2000.0))
    assert driven["walk_minutes"] is None and driven["distance_km"] == 2.0


def _csv(size: int) -> bytes:
    """A CSV of exactly `size` bytes (a header and a comment padding it)."""
    head = "名称,类型,镇街代码,经度,纬度\n".encode()
    return head + b"#" * (size - len(head))


@pytest.mark.parametrize(("over", "refused"), [(0, False), (1, True)])
def test_the_upload_size_limit_at_and_one_byte_over(
    monkeypatch, district_admin, settings, tmp_path, over, refused
):
    settings.MEDIA_ROOT = tmp_path
    limit = 4096
    monkeypatch.setattr(services, "MAX_IMPORT_BYTES", limit)
    upload = SimpleUploadedFile("f.csv", _csv(limit + over), content_type="text/csv")
    if refused:
        with pytest.raises(PortalError) as caught:
            services.facilities_import_enqueue(actor=district_admin, upload=upload)
        assert (caught.value.code, caught.value.field) == (ErrorCode.IMPORT_TOO_LARGE, "file")
    else:
        assert services.facilities_import_enqueue(actor=district_admin, upload=upload)


def _workbook() -> tuple[bytes, int]:
    book = Workbook()
    book.active.append(["名称", "类型", "镇街代码", "经度", "纬度"])
    book.active.append(["滨江老年食堂", "老年食堂", "500117001000", 106.27, 29.99])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    return data, unpacked


@pytest.mark.parametrize(("slack", "refused"), [(0, False), (-1, True)])
def test_the_unpacked_workbook_limit_at_and_one_byte_over(monkeypatch, slack, refused):
    data, unpacked = _workbook()
    # The limit equals the workbook's unpacked size, or is one byte short of it.
    monkeypatch.setattr(services, "MAX_UNPACKED_BYTES", unpacked + slack)
    if refused:
        with pytest.raises(TableError, match="解压后"):
            services.read_rows(io.BytesIO(data))
    else:
        columns, rows, _notes = services.read_rows(io.BytesIO(data))
        assert [cells[0] for _line, cells in rows] == ["滨江老年食堂"]
