"""Voucher batches, redemption once at a 普惠 facility, expiry and the report."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from childcare import selectors
from childcare.models import Voucher
from childcare.services import class_create, voucher_batch_issue, voucher_redeem
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.months import add_months

from .factories import ChildFactory

TODAY = timezone.localdate()


@pytest.fixture
def inclusive(nursery):
    class_create(
        actor=SYSTEM,
        facility=nursery,
        name="普惠班",
        class_type="toddler_large",
        capacity=7,
        caregivers=1,
        is_inclusive=True,
    )
    nursery.refresh_from_db()
    return nursery


def issue(user, **kw):
    args = {"name": "2026年体验券", "value": Decimal("200"), "issued_on": TODAY, "expires_on": TODAY}
    args.update(kw)
    return voucher_batch_issue(actor=user, **args)


def test_batch_by_town_reaches_children_under_three(district_staff):
    under = ChildFactory(birth_date=add_months(TODAY, -35))
    ChildFactory(birth_date=add_months(TODAY, -36))  # three today: not eligible
    ChildFactory(birth_date=add_months(TODAY, -5), town_id="500117002000")  # other town
    batch = issue(district_staff, town_id="500117001000")
    assert list(batch.vouchers.values_list("child_id", flat=True)) == [under.pk]
    assert len(batch.vouchers.get().code) == 12


def test_batch_by_list(district_staff):
    kids = [ChildFactory(birth_date=add_months(TODAY, -m)) for m in (3, 20, 40)]
    batch = issue(district_staff, child_ids=[k.pk for k in kids])
    assert sorted(batch.vouchers.values_list("child_id", flat=True)) == [kids[0].pk, kids[1].pk]


def test_redeem_once_never_twice(inclusive, operator, district_staff):
    ChildFactory(birth_date=add_months(TODAY, -10))
    voucher = issue(district_staff, town_id="500117001000").vouchers.get()
    redeemed = voucher_redeem(actor=operator, code=voucher.code.lower(), facility=inclusive)
    assert (redeemed.status, redeemed.redeemed_facility_id) == ("redeemed", inclusive.pk)
    with pytest.raises(PortalError) as exc:
        voucher_redeem(actor=operator, code=voucher.code, facility=inclusive)
    assert exc.value.code == "voucher_already_redeemed"
    assert Voucher.objects.get(pk=voucher.pk).redeemed_at == redeemed.redeemed_at


def test_redeem_refused_when_expired_unknown_or_not_inclusive(inclusive, nursery_b, district_staff, operator):
    ChildFactory(birth_date=add_months(TODAY, -10))
    voucher = issue(
        district_staff,
        town_id="500117001000",
        issued_on=TODAY - dt.timedelta(days=30),
        expires_on=TODAY - dt.timedelta(days=1),
    ).vouchers.get()
    with pytest.raises(PortalError) as exc:
        voucher_redeem(actor=operator, code=voucher.code, facility=inclusive)
    assert exc.value.code == "voucher_expired"
    with pytest.raises(PortalError) as exc:
        voucher_redeem(actor=operator, code="NOSUCHCODE22", facility=inclusive)
    assert exc.value.code == "voucher_not_found"
    with pytest.raises(PortalError) as exc:
        voucher_redeem(actor=district_staff, code=voucher.code, facility=nursery_b)  # no 普惠 places
    assert exc.value.code == "facility_not_inclusive"
    assert Voucher.objects.get(pk=voucher.pk).status == "issued"


def test_voucher_report(inclusive, district_staff, operator):
    for m in (2, 4, 6):
        ChildFactory(birth_date=add_months(TODAY, -m))
    ChildFactory(birth_date=add_months(TODAY, -8), town_id="500117002000")
    live = issue(district_staff, town_id="500117001000")
    issue(
        district_staff,
        name="旧批次",
        town_id="500117002000",
        issued_on=TODAY - dt.timedelta(days=60),
        expires_on=TODAY - dt.timedelta(days=1),
    )
    voucher_redeem(actor=operator, code=live.vouchers.first().code, facility=inclusive)
    report = selectors.voucher_report(user=district_staff, today=TODAY)
    assert [(r["town__name"], r["issued"], r["redeemed"], r["expired"]) for r in report["by_town"]] == [
        ("合阳城街道", 3, 1, 0),
        ("钓鱼城街道", 1, 0, 1),
    ]
    assert [(r["redeemed_facility__name"], r["redeemed"]) for r in report["by_facility"]] == [
        ("合阳托育园", 1)
    ]
