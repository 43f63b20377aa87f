"""Factories for the childcare tests."""

import datetime as dt

import factory
from django.contrib.gis.geos import Point

from facilities.models import Facility, FacilityKind, FacilityStatus

from ..models import Child

TOWN_A = "500117001000"
TOWN_B = "500117002000"


def ensure_areas() -> None:
    """Transactional tests may follow another one's flush (which empties the migrated areas table
    when serialized rollback is not in force): make sure the district and towns A/B exist."""
    from hechuan_portal.areas.models import AdminArea

    AdminArea.objects.get_or_create(code="500117000000", defaults={"name": "合川区", "level": "district"})
    for code, name in ((TOWN_A, "合阳城街道"), (TOWN_B, "钓鱼城街道")):
        AdminArea.objects.get_or_create(
            code=code, defaults={"name": name, "level": "town", "parent_id": "500117000000"}
        )


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"测试托育机构{n}")
    kind = FacilityKind.NURSERY
    town_id = TOWN_A
    location = Point(106.27, 29.99, srid=4326)
    status = FacilityStatus.OPERATING


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    name = factory.Sequence(lambda n: f"幼儿{n}")
    gender = "F"
    birth_date = dt.date(2025, 1, 10)
    guardian_name = "家长"
    guardian_phone = "13800000000"
    town_id = TOWN_A
