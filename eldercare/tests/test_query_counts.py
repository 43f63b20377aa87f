"""Lists and the elder's page answer in a number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hechuan_portal.accounts.models import Role

from .. import services
from .factories import answers_totalling, elder, make_assessor

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    first = make_assessor("pg_qc_1", role=Role.DISTRICT_STAFF)
    second = make_assessor("pg_qc_2", role=Role.DISTRICT_STAFF)

    def make(resident, on=dt.date(2026, 9, 1)):
        a = services.assessment_record(
            actor=first, resident=resident, assessed_on=on, place="home", items=answers_totalling(40)
        )
        return services.assessment_sign(actor=second, assessment=a)

    return make


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/eldercare/assessments/",
        "/manage/eldercare/to-assess/",
        "/manage/eldercare/support/",
        "/manage/eldercare/",
    ],
)
def test_lists_do_not_grow_with_rows(staff_client, record, url):
    record(elder(dt.date(1930, 1, 1), tekun=True)[0])
    elder(dt.date(1931, 6, 1))  # one row on the to-assess list too
    one = queries(staff_client, url)
    for year in range(1920, 1930):
        record(elder(dt.date(year, 1, 1), tekun=True)[0])
        elder(dt.date(year, 6, 1))
    assert queries(staff_client, url) == one


def test_the_elder_page_does_not_grow_with_history(staff_client, record):
    resident, _ = elder(dt.date(1930, 1, 1))
    record(resident)
    url = f"/manage/eldercare/elders/{resident.pk}/"
    one = queries(staff_client, url)
    for month in range(2, 9):
        record(resident, on=dt.date(2026, month, 1))
    assert queries(staff_client, url) == one
