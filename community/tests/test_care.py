"""Bathing and cleaning: records with time, location check and photo; monthly plans and the share
delivered; the satisfaction callback (priority 6)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from facilities.models import FacilityKind
from facilities.tests.factories import FacilityFactory
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError

from .. import selectors, services
from ..models import CareRecord
from . import factories as f
from .conftest import PNG

pytestmark = pytest.mark.django_db
SEAT = (106.266, 29.991)  # the bathing point built by the facilities factory
WHEN = timezone.make_aware(dt.datetime(2026, 12, 3, 10, 0))


def _photo():
    return SimpleUploadedFile("bath.png", PNG, content_type="image/png")


def _point(operator=None):
    point = FacilityFactory(kind=FacilityKind.BATHING_POINT, name="合阳城助浴点")
    if operator:
        point.operators.add(operator)
    return point


def _record(actor, point, resident, **kwargs):
    kwargs.setdefault("kind", "bath_point")
    kwargs.setdefault("lng", SEAT[0])
    kwargs.setdefault("lat", SEAT[1])
    return services.care_record_create(
        actor=actor, resident=resident, provider=point, photo=_photo(), performed_at=WHEN, **kwargs
    )


def test_provider_records_a_bath_with_photo_and_location(operator):
    point = _point(operator)
    elder, _ = f.person(dt.date(1938, 1, 1), tekun=True)
    record = _record(operator, point, elder, accuracy_m=12.4)
    assert (record.location_check, record.distance_m, record.location_accuracy_m) == ("ok", 0, 12)
    assert record.photos.get().content_type == "image/png"
    assert record.recorded_by == operator


def test_too_far_needs_an_explanation(operator):
    point = _point(operator)
    elder, _ = f.person(dt.date(1938, 1, 1), tekun=True)
    with pytest.raises(PortalError) as exc:
        _record(operator, point, elder, lng=SEAT[0] + 0.01)
    assert exc.value.code == "location_note_required"
    assert not CareRecord.objects.exists()
    record = _record(operator, point, elder, lng=SEAT[0] + 0.01, location_note="老人临时在女儿家")
    assert record.location_check == "too_far"
    with pytest.raises(IntegrityError), transaction.atomic():
        CareRecord.objects.filter(pk=record.pk).update(location_note="")


def test_photo_required_and_elder_must_be_in_difficulty(operator):
    point = _point(operator)
    elder, _ = f.person(dt.date(1938, 1, 1), dibao=True)
    with pytest.raises(PortalError) as exc:
        services.care_record_create(
            actor=operator, resident=elder, kind="bath_point", provider=point, photo=None
        )
    assert exc.value.code == "photo_required"
    well, _ = f.person(dt.date(1938, 1, 1))
    with pytest.raises(PortalError) as exc:
        _record(operator, point, well)
    assert exc.value.code == "not_eligible_for_care"


def test_a_visit_is_recorded_by_a_person_not_the_system():
    point = _point()
    elder, _ = f.person(dt.date(1938, 1, 1), tekun=True)
    with pytest.raises(PortalError) as exc:
        _record(SYSTEM, point, elder)
    assert exc.value.code == "not_allowed"
    assert not CareRecord.objects.exists()


def test_operator_of_another_provider_is_refused(operator):
    point = _point()
    elder, _ = f.person(dt.date(1938, 1, 1), tekun=True)
    with pytest.raises(PortalError) as exc:
        _record(operator, point, elder)
    assert exc.value.code == "not_allowed"


def test_plan_and_share_delivered_with_callback(officer_a, operator):
    point = _point(operator)
    elder, _ = f.person(dt.date(1938, 1, 1), tekun=True)
    services.care_plan_set(actor=officer_a, resident=elder, month=WHEN.date(), service="bathing", visits=4)
    services.care_plan_set(actor=officer_a, resident=elder, month=WHEN.date(), service="cleaning", visits=2)
    _record(operator, point, elder)
    record = _record(operator, point, elder, kind="bath_home", lng=None, lat=None)
    assert record.location_check == "missing"
    _record(operator, point, elder, kind="cleaning", lng=None, lat=None)
    plans = {
        p.service: (p.visits, p.delivered) for p in selectors.plan_delivery(user=officer_a, month=WHEN.date())
    }
    assert plans == {"bathing": (4, 2), "cleaning": (2, 1)}
    services.care_callback(actor=officer_a, record=record, satisfaction=5, note="很满意")
    record.refresh_from_db()
    assert (record.satisfaction, record.callback_by) == (5, officer_a)
    with pytest.raises(PortalError) as exc:
        services.care_callback(actor=officer_a, record=record, satisfaction=6)
    assert exc.value.code == "satisfaction_range"


def test_plan_delivery_query_count_does_not_grow(django_assert_num_queries, operator):
    point = _point(operator)
    for _ in range(3):
        elder, _ = f.person(dt.date(1938, 1, 1), tekun=True)
        services.care_plan_set(actor=SYSTEM, resident=elder, month=WHEN.date(), service="bathing", visits=1)
        _record(operator, point, elder)
    with django_assert_num_queries(1):
        assert [p.delivered for p in selectors.plan_delivery(user=SYSTEM, month=WHEN.date())] == [1, 1, 1]
