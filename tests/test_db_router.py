"""The replica router (hechuan_portal/db_router.py) with a real second database alias.

The `replica` alias is added for these tests only, as a mirror of the test database (the same
PostgreSQL database through a second connection, as a streaming replica would be): the rest of the
suite runs without one, exactly like a single-server installation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from hechuan_portal.areas.models import DISTRICT_CODE, AdminArea
from hechuan_portal.db_router import ReplicaRouter, replica_reads
from hechuan_portal.residents.models import Resident
from overview.models import IndicatorSnapshot, IndicatorTarget, MonthlyReport

PERIOD = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def replica_alias(django_db_setup, django_db_blocker):
    """A `replica` alias on the test database for this module's tests, removed afterwards. Module
    scope: it must exist before each test's database set-up lists the aliases it may use."""
    connections.settings["replica"] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    try:
        yield "replica"
    finally:
        with django_db_blocker.unblock():
            connections["replica"].close()
        del connections["replica"]
        del connections.settings["replica"]


@pytest.fixture
def replica(replica_alias):
    return connections[replica_alias]


REPLICA_DB = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def _snapshot() -> IndicatorSnapshot:
    return IndicatorSnapshot.objects.create(
        period=PERIOD,
        indicator="bench_test",
        area_id=DISTRICT_CODE,
        numerator=Decimal(3),
        value=Decimal("1.50"),
    )


def test_without_replica_everything_uses_default(db, monkeypatch):
    monkeypatch.delitem(connections.settings, "replica", raising=False)
    router = ReplicaRouter()
    assert router.db_for_read(IndicatorSnapshot) is None
    assert router.db_for_read(Resident) is None
    assert router.db_for_write(IndicatorSnapshot) == "default"
    assert IndicatorSnapshot.objects.all().db == "default"


@REPLICA_DB
def test_snapshot_and_report_reads_go_to_the_replica_writes_to_default(replica):
    snapshot = _snapshot()
    assert snapshot._state.db == "default"
    assert IndicatorSnapshot.objects.all().db == "replica"
    assert MonthlyReport.objects.all().db == "replica"
    # Other models, and the edited targets, stay on the primary.
    assert IndicatorTarget.objects.all().db == "default"
    assert Resident.objects.all().db == "default"
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_default,
    ):
        row = IndicatorSnapshot.objects.get(indicator="bench_test")
    assert row.value == Decimal("1.50")
    assert row._state.db == "replica"
    assert len(on_replica) == 1 and len(on_default) == 0
    # Saving an object read from the replica writes to the primary.
    row.value = Decimal("2.00")
    row.save()
    assert IndicatorSnapshot.objects.using("default").get(pk=row.pk).value == Decimal("2.00")
    assert ReplicaRouter().allow_migrate("replica", "overview") is False
    assert ReplicaRouter().allow_migrate("default", "overview") is True


@REPLICA_DB
def test_replica_reads_block_and_read_your_writes_in_a_transaction(replica):
    with replica_reads():
        assert AdminArea.objects.all().db == "replica"
        assert AdminArea.objects.get(code=DISTRICT_CODE)._state.db == "replica"
        with transaction.atomic():
            # Inside a transaction on the primary, reads stay there (they must see its own rows).
            snapshot = _snapshot()
            assert IndicatorSnapshot.objects.filter(pk=snapshot.pk).db == "default"
            assert IndicatorSnapshot.objects.filter(pk=snapshot.pk).exists()
    assert AdminArea.objects.all().db == "default"


@REPLICA_DB
def test_dashboard_selector_reads_from_the_replica(replica, district_staff):
    from overview.selectors import report_table

    _snapshot()
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_default,
    ):
        table = report_table(user=district_staff, period=PERIOD)
    assert [row["area"].code for row in table["rows"]] == [DISTRICT_CODE]
    assert len(on_replica) >= 2
    assert all("overview_indicatorsnapshot" not in q["sql"] for q in on_default)
