"""Test data for the household registry: valid ID numbers and residents built like the import does."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from hechuan_portal.common import crypto, idcard
from hechuan_portal.residents.models import Resident

TOWN_A = "500117001000"
_seq = itertools.count(1)


def make_id(birth: dt.date, *, male: bool = True, prefix: str = "500117", seq: int | None = None) -> str:
    """A valid 18-character ID number for `birth` (sequence parity gives the gender)."""
    n = next(_seq) if seq is None else seq
    s = (n * 2 + (1 if male else 0)) % 1000
    first17 = f"{prefix}{birth:%Y%m%d}{s:03d}"
    return first17 + idcard.check_char(first17)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident
        exclude = ("id_number", "male")

    birth_date = dt.date(1940, 5, 10)
    male = True
    id_number = factory.LazyAttribute(lambda o: make_id(o.birth_date, male=o.male))
    id_cipher = factory.LazyAttribute(lambda o: crypto.encrypt(o.id_number))
    id_index = factory.LazyAttribute(lambda o: crypto.blind_index(o.id_number))
    id_masked = factory.LazyAttribute(lambda o: idcard.mask(o.id_number))
    name = factory.Sequence(lambda n: f"测试{n}")
    gender = factory.LazyAttribute(lambda o: "M" if o.male else "F")
    hukou_code = TOWN_A
    town_id = factory.LazyAttribute(
        lambda o: o.hukou_code[:9] + "000" if o.hukou_code.startswith("500117") else None
    )
    extract_date = dt.date(2026, 11, 1)
    source = "测试"
