"""Test data for elder care: people in the register with known ID numbers, qualified assessors and
answer sets with a chosen total."""

from __future__ import annotations

import datetime as dt

from hechuan_portal.accounts.models import Role, User
from hechuan_portal.residents.tests.factories import ResidentFactory, make_id

from .. import standards
from ..models import AssessorQualification

__all__ = ["ResidentFactory", "answers_totalling", "elder", "make_assessor", "make_id"]

TOWN_A = "500117001000"
TOWN_B = "500117002000"


def answers_totalling(total: int) -> dict[str, int]:
    """A valid set of the 26 answers whose total is `total` (filled item by item, in order)."""
    items, left = {}, total
    for item in standards.ITEMS:
        items[item.code] = min(item.max_score, left)
        left -= items[item.code]
    assert left == 0
    return items


def elder(birth: dt.date = dt.date(1940, 5, 10), *, town: str = TOWN_A, **kwargs):
    """A person in the register; returns (resident, id_number)."""
    number = make_id(birth, prefix=town[:6])
    resident = ResidentFactory(id_number=number, birth_date=birth, hukou_code=town, **kwargs)
    return resident, number


def make_assessor(
    username: str,
    *,
    role: str = Role.TOWN_OFFICER,
    area: str | None = TOWN_A,
    expires_on: dt.date = dt.date(2099, 12, 31),
) -> User:
    """A staff account holding an assessor certificate valid until `expires_on`."""
    from conftest import make_user

    user = make_user(username, role, area if role == Role.TOWN_OFFICER else None)
    AssessorQualification.objects.create(
        user=user, certificate_number=f"PG-{username}", expires_on=expires_on
    )
    return user
