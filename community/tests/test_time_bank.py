"""The time bank: volunteers from the register, hours earned from confirmed services, an append-only
ledger that never goes below zero and balances to its entries (priority 5)."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Sum

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError

from .. import selectors, services
from ..models import LedgerEntry, Volunteer
from . import factories as f

DAY = dt.date(2026, 12, 1)


def _volunteer(address="合川区某街1号", **kwargs):
    resident, _ = f.person(dt.date(1960, 1, 1), address=address, **kwargs)
    return services.volunteer_register(actor=SYSTEM, resident=resident)


def _earn(volunteer, hours):
    recipient, _ = f.person(dt.date(1935, 1, 1))
    service = services.service_record(
        actor=SYSTEM, volunteer=volunteer, recipient=recipient, day=DAY, hours=Decimal(hours), content="陪护"
    )
    return services.service_confirm(actor=SYSTEM, service=service)


@pytest.mark.django_db
def test_hours_earned_once_from_a_confirmed_service():
    volunteer = _volunteer()
    entry = _earn(volunteer, "2.5")
    assert (entry.kind, entry.hours, entry.balance_after, entry.service.status) == (
        "earn",
        Decimal("2.5"),
        Decimal("2.5"),
        "confirmed",
    )
    with pytest.raises(PortalError) as exc:
        services.service_confirm(actor=SYSTEM, service=entry.service)
    assert exc.value.code == "service_not_pending"


@pytest.mark.django_db
def test_ledger_refuses_to_go_negative_and_balances_to_its_entries():
    volunteer = _volunteer()
    _earn(volunteer, "3")
    services.hours_redeem(actor=SYSTEM, volunteer=volunteer, hours=Decimal("2"), source="兑换助浴一次")
    with pytest.raises(PortalError) as exc:
        services.hours_redeem(actor=SYSTEM, volunteer=volunteer, hours=Decimal("1.5"), source="兑换")
    assert (exc.value.code, exc.value.params) == ("insufficient_hours", {"balance": Decimal("1.0")})
    services.hours_expire(actor=SYSTEM, volunteer=volunteer, hours=Decimal("1"), source="满两年清零")
    volunteer.refresh_from_db()
    total = volunteer.ledger.aggregate(s=Sum("hours"))["s"]
    assert volunteer.balance == total == Decimal("0")
    assert [e.balance_after for e in selectors.volunteer_statement(volunteer=volunteer)] == [
        Decimal("3"),
        Decimal("1"),
        Decimal("0"),
    ]


@pytest.mark.django_db
def test_database_refuses_a_negative_balance_and_any_change_to_the_ledger():
    volunteer = _volunteer()
    entry = _earn(volunteer, "1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.filter(pk=volunteer.pk).update(balance=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            volunteer=volunteer, kind="redeem", hours=Decimal("-2"), balance_after=Decimal("-1"), source="x"
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(hours=5)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db
def test_transfer_to_family_only():
    giver = _volunteer()
    family = _volunteer()
    stranger = _volunteer(address="别处2号")
    _earn(giver, "4")
    services.hours_transfer(actor=SYSTEM, volunteer=giver, to=family, hours=Decimal("1.5"), source="转给家人")
    with pytest.raises(PortalError) as exc:
        services.hours_transfer(actor=SYSTEM, volunteer=giver, to=stranger, hours=Decimal("1"), source="x")
    assert exc.value.code == "transfer_not_family"
    giver.refresh_from_db()
    family.refresh_from_db()
    assert (giver.balance, family.balance) == (Decimal("2.5"), Decimal("1.5"))
    rows = {v.pk: v for v in selectors.community_statement(user=SYSTEM)}
    assert (rows[giver.pk].earned, rows[giver.pk].given) == (Decimal("4"), Decimal("-1.5"))
    assert rows[family.pk].earned == Decimal("1.5")


@pytest.mark.django_db
def test_volunteer_within_the_officers_scope(officer_b):
    resident, _ = f.person(dt.date(1960, 1, 1))  # town A
    with pytest.raises(PortalError) as exc:
        services.volunteer_register(actor=officer_b, resident=resident)
    assert exc.value.code == "resident_not_found"
    services.volunteer_register(actor=SYSTEM, resident=resident)
    with pytest.raises(PortalError) as exc:
        services.volunteer_register(actor=SYSTEM, resident=resident)
    assert exc.value.code == "already_volunteer"


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_cannot_overdraw(reference_data):
    volunteer = _volunteer()
    _earn(volunteer, "1")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def redeem():
        try:
            barrier.wait()
            services.hours_redeem(actor=SYSTEM, volunteer=volunteer, hours=Decimal("1"), source="并发兑换")
            outcomes.append("ok")
        except PortalError as exc:
            outcomes.append(str(exc.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["insufficient_hours", "ok"]
    volunteer.refresh_from_db()
    assert volunteer.balance == Decimal("0")
    assert volunteer.ledger.count() == 2
