"""Model constraints and the kind / area / coordinate rules of Facility.clean()."""

import datetime as dt

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from facilities.error_codes import ErrorCode
from facilities.models import Facility, FacilityKind, ServiceLayer
from hechuan_portal.areas.models import AdminArea

from .factories import TOWN_A, TOWN_B, FacilityFactory, make_community, pt

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]


@pytest.mark.parametrize(
    "values",
    [
        {"beds_total": 10, "beds_nursing": 11},
        {"beds_total": 10, "beds_occupied": 11},
        {"kind": FacilityKind.NURSERY, "places_total": 10, "places_inclusive": 11},
        {"kind": FacilityKind.NURSERY, "places_total": 10, "places_occupied": 11},
        {"kind": FacilityKind.NURSING_HOME, "canteen_subtype": "community"},
    ],
)
def test_database_constraints_refuse_impossible_rows(values):
    with pytest.raises(IntegrityError), transaction.atomic():
        FacilityFactory(**values)
    assert Facility.objects.count() == 0


def test_same_name_twice_in_a_town_is_refused_but_allowed_in_another_town():
    FacilityFactory(name="同名")
    FacilityFactory(name="同名", town_id=TOWN_B)
    with pytest.raises(IntegrityError), transaction.atomic():
        FacilityFactory(name="同名")
    assert Facility.objects.filter(name="同名").count() == 2


def test_constraint_messages_are_chinese_in_full_clean():
    f = FacilityFactory.build(beds_total=5, beds_occupied=6)
    with pytest.raises(ValidationError) as exc:
        f.full_clean()
    assert exc.value.messages == ["已用床位不能多于床位总数。"]


def test_location_outside_district_is_refused():
    f = FacilityFactory.build(location=pt(116.40, 39.90))
    with pytest.raises(ValidationError) as exc:
        f.full_clean()
    assert codes(exc.value, "location") == [ErrorCode.LOCATION_OUTSIDE_DISTRICT]
    assert "不在合川区范围内" in exc.value.message_dict["location"][0]


def test_swapped_coordinates_are_named_as_such():
    f = FacilityFactory.build(location=pt(29.99, 106.27))
    with pytest.raises(ValidationError) as exc:
        f.full_clean()
    assert codes(exc.value, "location") == [ErrorCode.LOCATION_SWAPPED]


def test_location_must_be_inside_the_town_boundary_when_loaded():
    town = AdminArea.objects.get(code=TOWN_A)
    town.boundary = MultiPolygon(Polygon.from_bbox((106.20, 29.95, 106.30, 30.05)), srid=4326)
    town.save()
    inside = FacilityFactory.build(location=pt(106.25, 30.00))
    inside.full_clean()
    outside = FacilityFactory.build(location=pt(106.40, 30.00))
    with pytest.raises(ValidationError) as exc:
        outside.full_clean()
    assert codes(exc.value, "location") == [ErrorCode.LOCATION_OUTSIDE_TOWN]
    # Without a boundary only the district extent applies.
    other = FacilityFactory.build(town_id=TOWN_B, location=pt(106.40, 30.00))
    other.full_clean()


def test_community_must_belong_to_the_town():
    community_b = make_community("500117002001", "乙社区", 106.29, 30.01)
    f = FacilityFactory.build(community=community_b)
    with pytest.raises(ValidationError) as exc:
        f.full_clean()
    assert codes(exc.value, "community") == [ErrorCode.COMMUNITY_NOT_IN_TOWN]


def test_kind_decides_beds_or_places():
    nursery = FacilityFactory.build(kind=FacilityKind.NURSERY, beds_total=5)
    with pytest.raises(ValidationError) as exc:
        nursery.full_clean()
    assert codes(exc.value, "beds_total") == [ErrorCode.BEDS_NOT_FOR_KIND]
    canteen = FacilityFactory.build(kind=FacilityKind.ELDER_CANTEEN, places_total=5)
    with pytest.raises(ValidationError) as exc:
        canteen.full_clean()
    assert codes(exc.value, "places_total") == [ErrorCode.PLACES_NOT_FOR_KIND]
    partner = FacilityFactory.build(kind=FacilityKind.MEDICAL_PARTNER, beds_total=5, places_total=5)
    partner.full_clean()


def test_vacancy_and_stale_querysets():
    full = FacilityFactory(beds_total=10, beds_occupied=10)
    free = FacilityFactory(beds_total=10, beds_occupied=9)
    kids = FacilityFactory(kind=FacilityKind.NURSERY, places_total=5, places_occupied=4)
    assert set(Facility.objects.with_vacancy()) == {free, kids}
    # just created: its figures were stated a moment ago, nothing is stale yet
    assert full.capacity_stale is False
    assert set(Facility.objects.stale_capacity()) == set()
    Facility.objects.update(created_at=timezone.now() - dt.timedelta(days=31))
    full.refresh_from_db()
    assert full.capacity_stale is True
    assert set(Facility.objects.stale_capacity()) == {full, free, kids}


def test_service_layers_are_loaded_as_data():
    layers = dict(ServiceLayer.objects.values_list("code", "radius_m"))
    assert layers == {
        "elder_home_care": 1000,
        "day_care": 500,
        "elder_meals": 1000,
        "childcare_near": 300,
        "childcare_15min": 1000,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceLayer.objects.filter(code="day_care").update(radius_m=10)
