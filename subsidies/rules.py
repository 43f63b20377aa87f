"""STANDARDS §6 as pure functions (no ORM). The matching SQL (`matching.py`) implements the same rules
set-wise; tests check the two agree person by person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + (month.month - 1) + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every first-of-month from `first` to `last` inclusive."""
    out, month = [], month_start(first)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def age_in_month(birth: dt.date, month: dt.date) -> int:
    """Age counted by birthday month (§6.2): the number of birthdays whose month is before `month`.

    Born 1946-12-15 → 79 in 2026-12, 80 in 2027-01. Born on 29 February the birthday month is
    February in every year, so leap years need no special case.
    """
    return (month.year * 12 + month.month - (birth.year * 12 + birth.month) - 1) // 12


@dataclass(frozen=True)
class Tier:
    code: str
    label: str
    min_age: int
    max_age: int | None
    amount: Decimal
    category: str = ""


@dataclass(frozen=True)
class Policy:
    effective_from: dt.date
    tiers: tuple[Tier, ...]


@dataclass(frozen=True)
class Person:
    birth_date: dt.date
    in_district: bool
    status: str = "normal"  # normal | deceased | moved_out
    death_date: dt.date | None = None
    moved_out_date: dt.date | None = None
    dibao: bool = False
    tekun: bool = False


def policy_for(policies: list[Policy], month: dt.date) -> Policy | None:
    """The policy in force on the first day of `month` (§6.3)."""
    best = None
    for p in policies:
        if p.effective_from <= month and (best is None or p.effective_from > best.effective_from):
            best = p
    return best


def end_month(person: Person) -> dt.date | None:
    """The last payable month: the month of death or of moving out (§6.1), None while registered."""
    if person.status == "deceased" and person.death_date:
        return month_start(person.death_date)
    if person.status == "moved_out" and person.moved_out_date:
        return month_start(person.moved_out_date)
    return None


def tier_for(person: Person, policy: Policy | None, month: dt.date) -> Tier | None:
    """The tier the person is in for `month` under `policy` (highest amount when several fit)."""
    if policy is None:
        return None
    age = age_in_month(person.birth_date, month)
    fits = [
        t
        for t in policy.tiers
        if t.min_age <= age
        and (t.max_age is None or age <= t.max_age)
        and (
            t.category == ""
            or (t.category == "dibao" and person.dibao)
            or (t.category == "tekun" and person.tekun)
        )
    ]
    if not fits:
        return None
    return sorted(fits, key=lambda t: (-t.amount, t.code))[0]


def entitlement(person: Person, policies: list[Policy], month: dt.date) -> Tier | None:
    """What the person is owed for `month`: their tier, or None (§6.1–6.3)."""
    if not person.in_district:
        return None
    last = end_month(person)
    if last is not None and month > last:
        return None
    return tier_for(person, policy_for(policies, month), month)


def arrears_floor(*, month: dt.date, baseline: dt.date | None, cap_months: int) -> dt.date:
    """The earliest month arrears may cover in the roll of `month` (§6.4).

    Before any roll is closed the baseline is the current month itself (nothing earlier was paid by
    this portal, and the previous system paid it).
    """
    floor = add_months(month, -(cap_months))
    return max(floor, baseline or month)


def is_overpayment(person: Person, paid_month: dt.date) -> bool:
    """A payment for a month after the death or move-out month (§6.5)."""
    last = end_month(person)
    return last is not None and paid_month > last
