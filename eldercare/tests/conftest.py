from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from conftest import _client_for
from facilities.models import Facility, FacilityKind, FacilityStatus
from hechuan_portal.accounts.models import Role

from .. import services
from ..models import GuaranteedBeds
from .factories import TOWN_A, answers_totalling, make_assessor


@pytest.fixture
def assessor_a(db):
    return make_assessor("assessor_a1")


@pytest.fixture
def assessor_a2(db):
    return make_assessor("assessor_a2")


@pytest.fixture
def assessor_a_client(assessor_a):
    return _client_for(assessor_a)


@pytest.fixture
def assessor_a2_client(assessor_a2):
    return _client_for(assessor_a2)


@pytest.fixture
def grade_of():
    first = make_assessor("pg_flow_1", role=Role.DISTRICT_STAFF)
    second = make_assessor("pg_flow_2", role=Role.DISTRICT_STAFF)

    def grade(resident, total):
        a = services.assessment_record(
            actor=first,
            resident=resident,
            assessed_on=dt.date(2026, 9, 1),
            place="home",
            items=answers_totalling(total),
        )
        return services.assessment_sign(actor=second, assessment=a)

    return grade


@pytest.fixture
def provider(operator):
    facility = Facility.objects.create(
        name="合阳城居家养老服务中心",
        kind=FacilityKind.ELDER_CARE_CENTER,
        town_id=TOWN_A,
        location=Point(106.27, 29.99, srid=4326),
        status=FacilityStatus.OPERATING,
    )
    facility.operators.add(operator)
    return facility


@pytest.fixture
def nursing_home():
    home = Facility.objects.create(
        name="合川区社会福利院", kind=FacilityKind.NURSING_HOME, town_id=TOWN_A,
        location=Point(106.26, 29.98, srid=4326), status=FacilityStatus.OPERATING,
    )  # fmt: skip
    GuaranteedBeds.objects.create(facility=home, capacity=1)
    return home
