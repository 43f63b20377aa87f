"""Factories for monitoring tests (facilities and residents have none on main yet)."""

from __future__ import annotations

import itertools
from datetime import date

import factory
from django.contrib.gis.geos import Point

from facilities.models import Facility, FacilityKind, FacilityStatus
from hechuan_portal.areas.models import AdminArea, AreaLevel
from hechuan_portal.common.crypto import blind_index, encrypt
from hechuan_portal.residents.models import Resident

TOWN_A = "500117001000"
# 合阳城街道, near the district seat (WGS 84).
LNG, LAT = 106.2650, 29.9900

_ids = itertools.count(1)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"测试养老院{n}")
    kind = FacilityKind.NURSING_HOME
    town_id = TOWN_A
    location = factory.LazyFunction(lambda: Point(LNG, LAT, srid=4326))
    status = FacilityStatus.OPERATING
    beds_total = 50
    beds_occupied = 0


def community(code: str, name: str, town: str = TOWN_A) -> AdminArea:
    area, _ = AdminArea.objects.get_or_create(
        code=code, defaults={"name": name, "level": AreaLevel.COMMUNITY, "parent_id": town}
    )
    return area


def make_id(n: int, birth: date, male: bool = True) -> str:
    from hechuan_portal.common.idcard import check_char

    seq = (n % 499) * 2 + (1 if male else 2)
    body = f"500117{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    class Params:
        number = factory.LazyFunction(lambda: next(_ids))

    name = factory.Sequence(lambda n: f"老人{n}")
    gender = "M"
    birth_date = date(1940, 5, 1)
    hukou_code = "500117001001"
    town_id = TOWN_A
    extract_date = date(2026, 1, 1)

    @factory.lazy_attribute
    def id_masked(self):
        return "500117********" + f"{self.number:04d}"[-4:]

    @factory.lazy_attribute
    def id_cipher(self):
        return encrypt(make_id(self.number, self.birth_date))

    @factory.lazy_attribute
    def id_index(self):
        return blind_index(make_id(self.number, self.birth_date) + str(self.number))
