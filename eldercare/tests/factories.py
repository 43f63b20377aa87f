"""Test data for elder care: people in the register with known ID numbers, qualified assessors and
answer sets with a chosen total."""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from hechuan_portal.accounts.models import Role, User
from hechuan_portal.residents.tests.factories import ResidentFactory, make_id

from .. import standards
from ..models import AssessorQualification

__all__ = ["PNG", "ResidentFactory", "answers_totalling", "elder", "make_assessor", "make_id", "photo"]

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


def _png(seed: str) -> bytes:
    """A valid 1×1 PNG whose pixel depends on `seed` (so that photos differ by their hash)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    rgb = hashlib.sha256(seed.encode()).digest()[:3]
    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" + rgb))
        + chunk(b"IEND", b"")
    )


PNG = _png("eldercare")


def photo(name: str = "photo") -> SimpleUploadedFile:
    """A photo upload as the phone sends it."""
    return SimpleUploadedFile(f"{name}.png", _png(name), content_type="image/png")
