import datetime as dt

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.residents.tests.factories import ResidentFactory
from subsidies.matching import run_match
from subsidies.models import AllowanceGrant, PaymentLine
from subsidies.services import payroll_close

D = dt.date


def person(birth: dt.date, **kw):
    return ResidentFactory(birth_date=birth, **kw)


def match(as_of, **kw):
    return run_match(as_of=as_of, trigger="test", **kw)


def close(month):
    return payroll_close(actor=SYSTEM, month=month)


def grant_of(resident):
    return AllowanceGrant.objects.get(resident=resident)


def paid(resident):
    """(month, amount as text, kind) of every line, oldest first."""
    return [
        (f"{line.month:%Y-%m}", f"{line.amount:.2f}", line.kind)
        for line in PaymentLine.objects.filter(resident=resident).order_by("month")
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
