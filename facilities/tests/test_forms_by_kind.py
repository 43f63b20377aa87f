"""Issue 20: the facility form asks what the kind has; the status box starts on the current status;
the stale-capacity badge counts from the last capacity report."""

import datetime as dt

import pytest
from django.utils import timezone

from facilities.forms import CapacityForm, FacilityForm, StatusForm
from facilities.models import Facility, FacilityKind, FacilityStatus

from .factories import TOWN_A, FacilityFactory

pytestmark = pytest.mark.django_db


def _data(**extra):
    return {
        "name": "东津沱老年食堂",
        "kind": FacilityKind.ELDER_CANTEEN,
        "canteen_subtype": "community",
        "ownership": "public",
        "town": TOWN_A,
        "location": '{"type": "Point", "coordinates": [106.27, 29.99]}',
        "status": FacilityStatus.OPERATING,
        "filing_status": "not_required",
        **extra,
    }


def test_form_tags_kind_fields_and_saves_a_canteen_without_beds(district_admin):
    form = FacilityForm(user=district_admin)
    assert form.fields["beds_total"].widget.attrs["data-kinds"] == "day_care elder_care_center nursing_home"
    assert "nursery" in form.fields["places_total"].widget.attrs["data-kinds"]
    assert form.fields["canteen_subtype"].widget.attrs["data-kinds"] == "elder_canteen"
    # a hidden bed figure left in the page is saved empty, not refused or kept
    form = FacilityForm(_data(beds_total="6", places_total="4"), user=district_admin)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["beds_total"], form.cleaned_data["places_total"]) == (0, 0)
    nursery = FacilityForm(
        _data(kind=FacilityKind.NURSERY, canteen_subtype="community", places_total="30"), user=district_admin
    )
    assert nursery.is_valid(), nursery.errors
    assert (nursery.cleaned_data["places_total"], nursery.cleaned_data["canteen_subtype"]) == (30, "")


def test_capacity_form_shows_only_the_kinds_figures():
    canteen = FacilityFactory.build(kind=FacilityKind.ELDER_CANTEEN)
    # a canteen reports its hours and its meal fees (收费标准, issue 19), no beds or 托位
    assert list(CapacityForm(instance=canteen).fields) == ["opening_hours", "fee_meals"]
    home = FacilityFactory.build(kind=FacilityKind.NURSING_HOME)
    assert list(CapacityForm(instance=home).fields) == [
        "beds_total", "beds_nursing", "beds_occupied", "opening_hours", "fee_beds", "fee_meals",
    ]  # fmt: skip
    nursery = FacilityFactory.build(kind=FacilityKind.NURSERY)
    assert "beds_total" not in CapacityForm(instance=nursery).fields
    assert "fee_beds" not in CapacityForm(instance=nursery).fields
    assert {"places_total", "fee_childcare"} <= set(CapacityForm(instance=nursery).fields)


def test_create_page_hides_other_kinds_fields_for_the_browser(staff_client):
    html = staff_client.get("/manage/facilities/new/").content.decode()
    assert 'data-kinds="day_care elder_care_center nursing_home"' in html
    assert 'getAttribute("data-kinds")' in html


def test_status_box_defaults_to_the_current_status(staff_client):
    running = FacilityFactory(status=FacilityStatus.OPERATING)
    form = StatusForm(facility=running)
    assert form.fields["status"].initial == FacilityStatus.OPERATING
    assert FacilityStatus.OPERATING in dict(form.fields["status"].choices)
    html = staff_client.get(running.get_absolute_url()).content.decode()
    assert f'<option value="{FacilityStatus.OPERATING}" selected>' in html
    assert f'<option value="{FacilityStatus.PLANNED}" selected>' not in html


def test_stale_badge_counts_from_the_last_capacity_report(staff_client):
    fresh = FacilityFactory(name="新建敬老院")
    assert fresh.capacity_reported_at is None and fresh.capacity_stale is False
    assert "容量超过30天未上报" not in staff_client.get(fresh.get_absolute_url()).content.decode()
    old = timezone.now() - dt.timedelta(days=40)
    Facility.objects.filter(pk=fresh.pk).update(created_at=old)
    fresh.refresh_from_db()
    assert fresh.capacity_stale is True
    assert "容量超过30天未上报" in staff_client.get(fresh.get_absolute_url()).content.decode()
    Facility.objects.filter(pk=fresh.pk).update(capacity_reported_at=timezone.now() - dt.timedelta(days=2))
    assert "容量超过30天未上报" not in staff_client.get(fresh.get_absolute_url()).content.decode()
    # a canteen has no beds or 托位: nothing to go stale
    canteen = FacilityFactory(kind=FacilityKind.ELDER_CANTEEN)
    Facility.objects.filter(pk=canteen.pk).update(created_at=old)
    canteen.refresh_from_db()
    assert canteen.capacity_stale is False
    assert set(Facility.objects.stale_capacity()) == set()  # the one house reported 2 days ago


def test_list_sorts_by_its_columns_keeping_the_filters(staff_client):
    FacilityFactory(name="甲院", beds_total=10)
    FacilityFactory(name="乙院", beds_total=90)
    FacilityFactory(name="丙院", beds_total=40)
    response = staff_client.get("/manage/facilities/", {"status": "operating", "ordering": "-beds"})
    assert [f.name for f in response.context["page"]] == ["乙院", "丙院", "甲院"]
    html = response.content.decode()
    # the head of the sorted column turns the order round and keeps the filter
    assert 'href="?status=operating&amp;ordering=beds" aria-sort="descending"' in html
    assert 'href="?status=operating&amp;ordering=name" aria-sort="none"' in html
    ascending = staff_client.get("/manage/facilities/", {"ordering": "beds"}).context["page"]
    assert [f.name for f in ascending] == ["甲院", "丙院", "乙院"]


def test_service_circle_towns_are_listed_worst_first():
    from facilities.selectors import TownCoverage, towns_worst_first

    rows = [
        TownCoverage("500117001000", "合阳城街道", 10, 9, 1000, 50),
        TownCoverage("500117002000", "钓鱼城街道", 10, 2, 1000, 600),
        TownCoverage("500117003000", "南津街街道", 10, 2, 1000, 900),
    ]
    ordered = towns_worst_first(rows)
    assert [t.town_name for t in ordered] == ["南津街街道", "钓鱼城街道", "合阳城街道"]
