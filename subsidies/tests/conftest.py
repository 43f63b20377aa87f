import datetime as dt

import pytest

from hechuan_portal.residents.tests.factories import ResidentFactory
from subsidies.matching import run_match
from subsidies.models import AllowanceGrant, PaymentLine
from subsidies.services import payroll_close

D = dt.date


def person(birth=D(1940, 5, 10), **kw):
    return ResidentFactory(birth_date=birth, **kw)


def match(as_of, **kw):
    return run_match(as_of=as_of, trigger="test", **kw)


def close(month):
    return payroll_close(month=month)


def grant_of(resident):
    return AllowanceGrant.objects.get(resident=resident)


def paid(resident):
    """(month, amount as text, kind) of every line, oldest first."""
    return [
        (f"{l.month:%Y-%m}", f"{l.amount:.2f}", l.kind)
        for l in PaymentLine.objects.filter(resident=resident).order_by("month")
    ]


def state():
    """Everything the job writes, without ids or timestamps (for idempotence checks)."""
    grants = sorted(
        AllowanceGrant.objects.values_list(
            "resident_id", "status", "tier_code", "monthly_amount", "start_month", "end_month", "rule"
        )
    )
    lines = sorted(
        PaymentLine.objects.values_list(
            "resident_id", "month", "period__month", "tier_code", "amount", "kind"
        )
    )
    return grants, lines


@pytest.fixture
def tiers_80_90_100(db):
    """The demo policy comes from migration 0002."""
