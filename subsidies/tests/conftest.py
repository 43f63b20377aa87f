import datetime as dt

import pytest

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
    return payroll_close(month=month)


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


@pytest.fixture
def migration_data():
    """Towns and the demo policy as their data migrations create them, when a previous
    transactional test (live_server flushes without restoring) left the tables empty."""
    import importlib

    from django.apps import apps as django_apps

    from hechuan_portal.areas.models import AdminArea
    from subsidies.models import AllowancePolicy

    if not AdminArea.objects.filter(code="500117001000").exists():
        importlib.import_module("hechuan_portal.areas.migrations.0002_load_hechuan_towns").load(
            django_apps, None
        )
    if not AllowancePolicy.objects.exists():
        importlib.import_module("subsidies.migrations.0002_demo_policy_and_config").create(django_apps, None)
