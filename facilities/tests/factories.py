"""factory_boy factories for the facilities app."""

import factory
from django.contrib.gis.geos import Point

from hechuan_portal.areas.models import AdminArea, AreaLevel

from ..models import Facility, FacilityKind, FacilityStatus

TOWN_A = "500117001000"  # 合阳城街道
TOWN_B = "500117002000"  # 钓鱼城街道
SEAT = (106.266, 29.991)


def pt(lng: float, lat: float) -> Point:
    return Point(lng, lat, srid=4326)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"测试设施{n}")
    kind = FacilityKind.NURSING_HOME
    town = factory.LazyFunction(lambda: AdminArea.objects.get(code=TOWN_A))
    location = factory.LazyFunction(lambda: pt(*SEAT))
    status = FacilityStatus.OPERATING
    phone = "023-42751234"
    opening_hours = "全天"


def make_community(code: str, name: str, lng: float, lat: float, population: int | None = None) -> AdminArea:
    return AdminArea.objects.create(
        code=code,
        name=name,
        level=AreaLevel.COMMUNITY,
        parent_id=code[:9] + "000",
        centroid=pt(lng, lat),
        population=population,
    )
