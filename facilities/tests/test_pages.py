"""Staff pages under /manage/facilities/: scope per role, forms, status history, query counts."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from facilities.models import Facility, FacilityStatus, FacilityStatusChange
from hechuan_portal.common import fragments

from .factories import TOWN_A, TOWN_B, FacilityFactory

pytestmark = pytest.mark.django_db

LIST = "/manage/facilities/"


def form_data(**overrides):
    data = {
        "name": "新建养老服务站",
        "kind": "community_elder_station",
        "ownership": "public",
        "town": TOWN_A,
        "location": '{"type": "Point", "coordinates": [106.27, 29.99]}',
        "beds_total": 0,
        "beds_nursing": 0,
        "beds_occupied": 0,
        "places_total": 0,
        "places_inclusive": 0,
        "places_occupied": 0,
        "filing_status": "not_required",
        "status": "operating",
    }
    data.update(overrides)
    return data


def test_list_shows_only_the_officers_town(officer_a_client, facility_a, facility_b):
    body = officer_a_client.get(LIST).content.decode()
    assert "合阳城敬老院" in body
    assert "钓鱼城敬老院" not in body


def test_district_staff_sees_all_and_filters(staff_client, facility_a, facility_b):
    body = staff_client.get(LIST).content.decode()
    assert "合阳城敬老院" in body and "钓鱼城敬老院" in body
    body = staff_client.get(LIST, {"town": TOWN_B}).content.decode()
    assert "合阳城敬老院" not in body and "钓鱼城敬老院" in body


def test_out_of_scope_detail_and_edit_are_404(officer_a_client, facility_b):
    assert officer_a_client.get(f"{LIST}{facility_b.pk}/").status_code == 404
    assert officer_a_client.get(f"{LIST}{facility_b.pk}/edit/").status_code == 404
    response = officer_a_client.post(f"{LIST}{facility_b.pk}/status/", {"status": "closed"})
    assert response.status_code == 404
    facility_b.refresh_from_db()
    assert facility_b.status == FacilityStatus.OPERATING


def test_auditor_and_anonymous_are_kept_out(auditor_client, anon_client, facility_a):
    assert auditor_client.get(LIST).status_code == 403
    assert auditor_client.get(f"{LIST}{facility_a.pk}/").status_code == 403
    assert anon_client.get(LIST).status_code == 302


def test_officer_creates_a_facility_with_the_map_widget_value(officer_a_client, officer_a):
    response = officer_a_client.post(f"{LIST}new/", form_data())
    assert response.status_code == 302
    created = Facility.objects.get(name="新建养老服务站")
    assert (created.town_id, round(created.location.x, 2), created.status) == (TOWN_A, 106.27, "operating")
    assert FacilityStatusChange.objects.get(facility=created).actor == officer_a


def test_create_outside_the_district_shows_the_error(officer_a_client):
    response = officer_a_client.post(
        f"{LIST}new/", form_data(location='{"type": "Point", "coordinates": [116.4, 39.9]}')
    )
    assert response.status_code == 200
    assert "不在合川区范围内" in response.content.decode()
    assert Facility.objects.count() == 0


def test_officer_cannot_choose_another_town(officer_a_client):
    response = officer_a_client.post(f"{LIST}new/", form_data(town=TOWN_B))
    assert response.status_code == 200
    assert Facility.objects.count() == 0


def test_operator_edits_only_capacity_and_hours(operator_client, operated_a, facility_b):
    response = operator_client.get(f"{LIST}{operated_a.pk}/edit/")
    # a nursing home reports beds, not 托位 (issue 20: fields by kind), and its fees (issue 19)
    assert set(response.context["form"].fields) == {
        "beds_total", "beds_nursing", "beds_occupied", "opening_hours", "fee_beds", "fee_meals",
    }  # fmt: skip
    response = operator_client.post(
        f"{LIST}{operated_a.pk}/edit/",
        {"name": "改名", "beds_total": 30, "beds_nursing": 10, "beds_occupied": 12, "places_total": 0,
         "places_inclusive": 0, "places_occupied": 0, "opening_hours": "全天", "fee_beds": "1800–3200 元/月"},
    )  # fmt: skip
    assert response.status_code == 302
    operated_a.refresh_from_db()
    assert (operated_a.name, operated_a.beds_total, operated_a.beds_occupied) == ("合阳城敬老院", 30, 12)
    assert operated_a.fee_beds == "1800–3200 元/月"
    assert operated_a.capacity_stale is False
    # No status changes, no creating, nothing outside their facility.
    assert operator_client.post(f"{LIST}{operated_a.pk}/status/", {"status": "closed"}).status_code == 403
    assert operator_client.get(f"{LIST}new/").status_code == 403
    assert operator_client.get(f"{LIST}{facility_b.pk}/").status_code == 404
    operated_a.refresh_from_db()
    assert operated_a.status == FacilityStatus.OPERATING


def test_status_change_through_the_detail_page_is_recorded(officer_a_client, officer_a, facility_a):
    response = officer_a_client.post(
        f"{LIST}{facility_a.pk}/status/", {"status": "suspended", "reason": "消防整改"}
    )
    assert response.status_code == 302
    facility_a.refresh_from_db()
    assert facility_a.status == FacilityStatus.SUSPENDED
    body = officer_a_client.get(f"{LIST}{facility_a.pk}/").content.decode()
    assert "消防整改" in body and "暂停服务" in body
    # An impossible transition changes nothing.
    officer_a_client.post(f"{LIST}{facility_a.pk}/status/", {"status": "planned"})
    facility_a.refresh_from_db()
    assert facility_a.status == FacilityStatus.SUSPENDED
    assert FacilityStatusChange.objects.filter(facility=facility_a).count() == 1


def test_stale_capacity_is_flagged(staff_client, facility_a):
    Facility.objects.filter(pk=facility_a.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    body = staff_client.get(LIST).content.decode()
    assert "待更新" in body
    assert staff_client.get(LIST, {"stale": "on"}).context["page"].paginator.count == 1


@pytest.mark.parametrize("n", [1, 40])
def test_list_page_query_count_is_constant(staff_client, django_assert_num_queries, n):
    FacilityFactory.create_batch(n)
    staff_client.get(LIST)  # warm-up (PostGIS version)
    fragments.forget_all()
    # user, stats, count, page, towns for the filter form (the session is in Redis)
    with django_assert_num_queries(5):
        response = staff_client.get(LIST)
    assert response.status_code == 200
    with django_assert_num_queries(1):  # the user; the filters and rows are the cached parts
        assert staff_client.get(LIST).status_code == 200


def test_list_parts_are_renewed_by_every_write(staff_client, district_staff, facility_a):
    from facilities import services

    assert "合阳城敬老院" in staff_client.get(LIST).content.decode()
    # Through the model (a form, the admin, a factory): the signal.
    facility_a.name = "合阳城颐养院"
    facility_a.save()
    body = staff_client.get(LIST).content.decode()
    assert "合阳城颐养院" in body and "合阳城敬老院" not in body
    # A set-based write of a service: its own call.
    assert "合阳城颐养院" not in staff_client.get(f"{LIST}?status=suspended").content.decode()
    services.facility_set_status(actor=district_staff, facility=facility_a, status=FacilityStatus.SUSPENDED)
    assert "合阳城颐养院" in staff_client.get(f"{LIST}?status=suspended").content.decode()


def test_list_parts_are_kept_per_scope_and_language(staff_client, officer_b_client, facility_a, facility_b):
    assert "合阳城敬老院" in staff_client.get(LIST).content.decode()
    body = officer_b_client.get(LIST).content.decode()  # same query, another scope
    assert "钓鱼城敬老院" in body and "合阳城敬老院" not in body
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Nursing home" in staff_client.get(LIST).content.decode()
