"""Issue 20: every staff list pages and sorts through common/listing.py — the facility list as the
example: whitelisted columns only, bad `ordering`/`page` values ignored (never a 500), the filters kept
in the pager's links, and a flat query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.models import Facility

from .factories import FacilityFactory

pytestmark = pytest.mark.django_db


def _names(response):
    return [f.name for f in response.context["page"]]


def test_sorts_by_a_whitelisted_column_both_ways(staff_client):
    for name, beds in (("甲院", 10), ("乙院", 90), ("丙院", 40)):
        FacilityFactory(name=name, beds_total=beds)
    assert _names(staff_client.get("/manage/facilities/", {"ordering": "beds"})) == ["甲院", "丙院", "乙院"]
    assert _names(staff_client.get("/manage/facilities/", {"ordering": "-beds"})) == ["乙院", "丙院", "甲院"]


@pytest.mark.parametrize(
    "value", ["password", "-town__boundary", "beds_total", "--beds", "name;drop", "", "town__name__icontains"]
)
def test_an_unknown_ordering_is_ignored_not_an_error(staff_client, value):
    FacilityFactory(name="甲院", beds_total=10)
    FacilityFactory(name="乙院", beds_total=90)
    response = staff_client.get("/manage/facilities/", {"ordering": value})
    assert response.status_code == 200
    assert response.context["page"].ordering == ""
    # the rows keep the selector's order (town, name) and the filter is not voided
    assert sorted(_names(response)) == ["乙院", "甲院"]


@pytest.mark.parametrize(("value", "number"), [("abc", 1), ("0", 2), ("-3", 2), ("999999999999999999999", 2), ("2", 2)])
def test_a_bad_page_is_the_first_or_last_page_not_an_error(staff_client, value, number):
    FacilityFactory.create_batch(51)
    response = staff_client.get("/manage/facilities/", {"page": value})
    assert response.status_code == 200
    assert response.context["page"].number == number


def test_fifty_a_page_and_the_pager_keeps_filters_and_sort(staff_client):
    FacilityFactory.create_batch(51, status="operating")
    first = staff_client.get("/manage/facilities/", {"status": "operating", "ordering": "-beds"})
    assert len(first.context["page"].object_list) == 50
    html = first.content.decode()
    assert 'href="?status=operating&amp;ordering=-beds&amp;page=2" rel="next"' in html
    assert "第 1 / 2 页，共 51 条" in html
    last = staff_client.get("/manage/facilities/", {"status": "operating", "ordering": "-beds", "page": 2})
    assert len(last.context["page"].object_list) == 1
    assert 'href="?status=operating&amp;ordering=-beds&amp;page=1" rel="prev"' in last.content.decode()
    # a one-page list shows no pager at all
    Facility.objects.all().delete()
    assert 'class="pager"' not in staff_client.get("/manage/facilities/").content.decode()


def _queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/manage/facilities/", params).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_rows(staff_client):
    FacilityFactory.create_batch(2)
    staff_client.get("/manage/facilities/")  # warm the session and caches
    few = _queries(staff_client, {"ordering": "town"})
    FacilityFactory.create_batch(30)
    assert _queries(staff_client, {"ordering": "town"}) == few
