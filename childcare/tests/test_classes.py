"""Classes to the standard, in the service and in the database; facility totals follow."""

import pytest
from django.db import IntegrityError, transaction

from childcare.models import ChildcareClass, ChildcareProfile, ChildcareSettings
from childcare.services import class_create, class_update, facility_places_sync
from facilities.models import Facility
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError

from .factories import FacilityFactory


def make(facility, **kw):
    args = {"name": "班", "class_type": "infant", "capacity": 9, "caregivers": 3}
    args.update(kw)
    return class_create(actor=SYSTEM, facility=facility, **args)


@pytest.mark.parametrize(
    ("class_type", "capacity", "caregivers", "code"),
    [
        ("infant", 11, 4, "class_size_exceeds_standard"),
        ("infant", 10, 3, "ratio_below_standard"),
        ("toddler_small", 16, 4, "class_size_exceeds_standard"),
        ("toddler_large", 15, 2, "ratio_below_standard"),
        ("mixed", 19, 4, "class_size_exceeds_standard"),
        ("mixed", 16, 3, "ratio_below_standard"),
    ],
)
def test_service_refuses_classes_beyond_the_standard(nursery, class_type, capacity, caregivers, code):
    with pytest.raises(PortalError) as exc:
        make(nursery, class_type=class_type, capacity=capacity, caregivers=caregivers)
    assert exc.value.code == code
    assert ChildcareClass.objects.count() == 0


def test_class_at_the_limit_is_accepted_and_totals_follow(nursery):
    make(nursery, name="乳儿班", class_type="infant", capacity=10, caregivers=4, is_inclusive=True)
    make(nursery, name="托大班", class_type="toddler_large", capacity=14, caregivers=2)
    nursery.refresh_from_db()
    assert (nursery.places_total, nursery.places_inclusive, nursery.places_occupied) == (24, 10, 0)
    assert nursery.capacity_reported_at is not None


def test_ratio_error_message_names_the_caregivers_needed(nursery):
    with pytest.raises(PortalError) as exc:
        make(nursery, capacity=10, caregivers=3)
    assert exc.value.params == {"limit": 4}
    assert "4" in exc.value.detail


def test_mixed_ratio_comes_from_settings(nursery):
    settings = ChildcareSettings.current()
    settings.mixed_children_per_caregiver = 4
    settings.save()
    with pytest.raises(PortalError) as exc:
        make(nursery, class_type="mixed", capacity=15, caregivers=3)
    assert exc.value.code == "ratio_below_standard"
    klass = make(nursery, class_type="mixed", capacity=12, caregivers=3)
    assert klass.children_per_caregiver == 4


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"class_type": "infant", "capacity": 11, "caregivers": 4, "children_per_caregiver": 3}, "size_le"),
        ({"class_type": "infant", "capacity": 10, "caregivers": 3, "children_per_caregiver": 3}, "ratio_met"),
        (
            {"class_type": "infant", "capacity": 4, "caregivers": 1, "children_per_caregiver": 5},
            "ratio_setting",
        ),
        (
            {"class_type": "mixed", "capacity": 16, "caregivers": 2, "children_per_caregiver": 8},
            "ratio_setting",
        ),
        (
            {
                "class_type": "toddler_small",
                "capacity": 5,
                "caregivers": 1,
                "children_per_caregiver": 5,
                "occupied": 6,
            },
            "within_capacity",
        ),
    ],
)
def test_database_refuses_classes_beyond_the_standard(nursery, fields, constraint):
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        ChildcareClass.objects.create(facility=nursery, name="直写", **fields)
    assert constraint in str(exc.value)


def test_database_refuses_occupied_over_capacity_minus_reserved(small_class):
    ChildcareClass.objects.filter(pk=small_class.pk).update(reserved=2, occupied=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildcareClass.objects.filter(pk=small_class.pk).update(occupied=2)


def test_only_childcare_facilities_have_classes(db):
    home = FacilityFactory(kind="nursing_home")
    with pytest.raises(PortalError) as exc:
        make(home)
    assert exc.value.code == "not_childcare_facility"


def test_kindergarten_opens_toddler_classes_from_vacant_places(db):
    kg = FacilityFactory(kind="kindergarten", name="合阳幼儿园")
    ChildcareProfile.objects.create(facility=kg, kindergarten_places=300, kindergarten_pupils=280)
    with pytest.raises(PortalError) as exc:
        make(kg, class_type="toddler_small", capacity=10, caregivers=2)
    assert exc.value.code == "kindergarten_class_type"
    make(kg, name="托班一", class_type="toddler_large", capacity=14, caregivers=2)
    with pytest.raises(PortalError) as exc:
        make(kg, name="托班二", class_type="toddler_large", capacity=7, caregivers=1)
    assert (exc.value.code, exc.value.params) == ("kindergarten_no_vacant_places", {"limit": 6})
    make(kg, name="托班二", class_type="toddler_large", capacity=6, caregivers=1)
    kg.refresh_from_db()
    assert kg.places_total == 20


def test_150_children_need_a_health_worker(nursery):
    for i in range(7):
        make(nursery, name=f"托大{i}", class_type="toddler_large", capacity=20, caregivers=3)
    make(nursery, name="托小", class_type="toddler_small", capacity=9, caregivers=2)  # 149
    with pytest.raises(PortalError) as exc:
        make(nursery, name="乳儿", class_type="infant", capacity=1, caregivers=1)
    assert exc.value.code == "health_worker_required"
    ChildcareProfile.objects.filter(facility=nursery).update(health_workers=1)
    make(nursery, name="乳儿", class_type="infant", capacity=1, caregivers=1)
    nursery.refresh_from_db()
    assert nursery.places_total == 150


def test_capacity_cannot_drop_below_occupied(small_class, operator):
    ChildcareClass.objects.filter(pk=small_class.pk).update(occupied=2)
    with pytest.raises(PortalError) as exc:
        class_update(actor=operator, klass=small_class, capacity=1, caregivers=1)
    assert (exc.value.code, exc.value.params) == ("capacity_below_occupied", {"limit": 2})
    class_update(actor=operator, klass=small_class, capacity=10, caregivers=2)
    assert Facility.objects.get(pk=small_class.facility_id).places_total == 10


def test_places_sync_is_one_update_for_many_facilities(db, django_assert_num_queries):
    facilities = [FacilityFactory() for _ in range(3)]
    for f in facilities:
        make(f)
    Facility.objects.update(places_total=0, places_inclusive=0, places_occupied=0)
    with django_assert_num_queries(1):
        assert facility_places_sync(facility_ids=[f.pk for f in facilities]) == 3
    assert list(Facility.objects.values_list("places_total", flat=True)) == [9, 9, 9]
