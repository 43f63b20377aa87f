"""The precomputed 探访关爱 list (`VisitDue`, issue 20): equal to the list computed straight from the
register and the visits after an import (a death, a move out, a move between towns), a visit
recorded and a nightly rebuild; the page reads it in a number of queries that does not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.residents.services import residents_import
from hechuan_portal.residents.tests.conftest import HEADER
from hechuan_portal.residents.tests.factories import make_id
from monitoring import selectors, services
from monitoring.models import VisitDue

from .conftest import TOWN_A, TOWN_B
from .factories import ResidentFactory

pytestmark = pytest.mark.django_db


def _direct(today: dt.date) -> set[tuple]:
    """The list as the page computed it before: covered elders, each one's latest visit."""
    latest = selectors.latest_visit
    return set(
        selectors.covered_elders(as_of=today)
        .annotate(last=latest("visited_on"), due=latest("next_due_on"))
        .values_list("pk", "town_id", "last", "due")
    )


def _stored() -> set[tuple]:
    return set(VisitDue.objects.values_list("resident_id", "town_id", "last_visit_on", "next_due_on"))


def _line(number, name, birth, town, status="正常", death="", moved="", alone="是"):
    return f"{number},{name},男,{birth},{town},{status},{death},{moved},路1号,13800000000,否,否,{alone},否,否,否,"


def _import(tmp_path, lines, name, on_commit_tasks):
    """Import `lines`; the visit list is rebuilt by the task the import queues on commit."""
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    with on_commit_tasks():
        residents_import(actor=SYSTEM, path=path, extract_date=timezone.localdate())


def test_the_list_follows_imports_and_visits(tmp_path, officer_a, on_commit_tasks):
    today = timezone.localdate()
    people = {
        key: (make_id(birth, seq=300 + i), birth)
        for i, (key, birth) in enumerate(
            [("dies", dt.date(1940, 1, 1)), ("leaves", dt.date(1945, 1, 1)), ("moves", dt.date(1950, 1, 1))]
        )
    }
    young = make_id(dt.date(1990, 1, 1), seq=399)

    def extract(dies=False, leaves=False, moves=False, young_alone="是"):
        return [
            _line(people["dies"][0], "甲", "1940-01-01", TOWN_A, *(("死亡", "2026-11-30") if dies else ())),
            _line(
                people["leaves"][0],
                "乙",
                "1945-01-01",
                TOWN_A,
                *(("迁出", "", "2026-11-30") if leaves else ()),
            ),
            _line(people["moves"][0], "丙", "1950-01-01", TOWN_B if moves else TOWN_A),
            _line(young, "丁", "1990-01-01", TOWN_A, alone=young_alone),  # lives alone, not 60: never listed
        ]

    _import(tmp_path, extract(), "first.csv", on_commit_tasks)
    assert _stored() == _direct(today) and len(_stored()) == 3

    # A visit recorded: that elder's row carries it at once.
    mover = VisitDue.objects.get(name="丙").resident
    services.visit_record(resident=mover, actor=officer_a, visited_on=today, method="home", condition="good")
    row = VisitDue.objects.get(pk=mover.pk)
    assert row.last_visit_on == today and row.next_due_on > today
    assert _stored() == _direct(today)

    # The next extract: one died, one moved out of the district, one moved to another town.
    _import(tmp_path, extract(dies=True, leaves=True, moves=True), "second.csv", on_commit_tasks)
    assert _stored() == _direct(today)
    assert list(VisitDue.objects.values_list("name", "town_id", "last_visit_on")) == [("丙", TOWN_B, today)]


def test_the_nightly_rebuild_takes_in_people_turning_60():
    today = dt.date(2026, 12, 7)
    turns_60_today = ResidentFactory(birth_date=dt.date(1966, 12, 7), lives_alone=True)
    turns_60_tomorrow = ResidentFactory(birth_date=dt.date(1966, 12, 8), lives_alone=True)
    assert services.visit_due_refresh(actor=SYSTEM, today=today) == 1
    assert set(VisitDue.objects.values_list("pk", flat=True)) == {turns_60_today.pk}
    services.visit_due_refresh(actor=SYSTEM, today=today + dt.timedelta(days=1))
    assert set(VisitDue.objects.values_list("pk", flat=True)) == {turns_60_today.pk, turns_60_tomorrow.pk}
    assert _stored() == _direct(today + dt.timedelta(days=1))


def test_only_district_roles_and_system_rebuild_the_list(officer_a, district_staff):
    from hechuan_portal.common.errors import PortalError

    with pytest.raises(PortalError):
        services.visit_due_refresh(actor=officer_a)
    assert services.visit_due_refresh(actor=district_staff) == 0


def _queries_of_the_page(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/manage/monitoring/visits/")
    assert response.status_code == 200
    return len(queries)


def test_the_visit_list_reads_a_flat_number_of_queries(officer_a_client):
    ResidentFactory(birth_date=dt.date(1940, 1, 1), lives_alone=True)
    services.visit_due_refresh(actor=SYSTEM)
    one = _queries_of_the_page(officer_a_client)
    for _ in range(20):
        ResidentFactory(birth_date=dt.date(1940, 1, 1), lives_alone=True)
    services.visit_due_refresh(actor=SYSTEM)
    assert _queries_of_the_page(officer_a_client) == one
