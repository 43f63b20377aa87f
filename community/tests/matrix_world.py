"""The permission matrix's time-bank services (tests/permission_table.py): in towns A and B a volunteer
and a pending service they gave to an elder of the same town."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hechuan_portal.residents.tests.factories import ResidentFactory, make_id

TOWNS = (("a", "500117001000"), ("b", "500117002000"))


def volunteer_services(cast):
    from ..models import ServiceRecordStatus, Volunteer, VolunteerService

    out = {}
    for key, town in TOWNS:
        people = []
        for birth in (dt.date(1961, 6, 6), dt.date(1934, 7, 7)):
            people.append(
                ResidentFactory(id_number=make_id(birth, prefix=town[:6]), birth_date=birth, hukou_code=town)
            )
        volunteer = Volunteer.objects.create(resident=people[0], town_id=town)
        service = VolunteerService.objects.create(
            volunteer=volunteer, recipient=people[1], town_id=town, day=dt.date(2026, 11, 20),
            hours=Decimal("2.0"), content="陪同就医", status=ServiceRecordStatus.PENDING,
        )  # fmt: skip
        out[key] = {"service": service}
    return out
