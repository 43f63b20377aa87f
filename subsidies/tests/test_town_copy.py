"""The resident's town copied onto grants and decisions (issue 20): set by the database on every
insert, impossible to write wrong, moved after an import that moves the person, and the dashboard's
per-town figures equal to the figures through the register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.residents.services import residents_import
from hechuan_portal.residents.tests.conftest import csv_line, extract
from hechuan_portal.residents.tests.factories import make_id
from subsidies import selectors
from subsidies.models import AllowanceDecision, AllowanceGrant

from .conftest import D, match, person

pytestmark = pytest.mark.django_db
TOWN_A, TOWN_B = "500117001000", "500117002000"


def _through_register(model) -> dict:
    return dict(
        model.objects.values_list("resident__town_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("resident__town_id", "n")
    )


def _copied(model) -> dict:
    return dict(
        model.objects.values_list("town_id").annotate(n=Count("id")).order_by().values_list("town_id", "n")
    )


def test_the_match_writes_the_town_and_nobody_can_write_another():
    a, b = person(D(1940, 1, 1), hukou_code=TOWN_A), person(D(1930, 1, 1), hukou_code=TOWN_B)
    match(D(2027, 1, 1))
    assert AllowanceGrant.objects.get(resident=a).town_id == TOWN_A
    assert AllowanceGrant.objects.get(resident=b).town_id == TOWN_B
    assert _copied(AllowanceDecision) == _through_register(AllowanceDecision) == {TOWN_A: 1, TOWN_B: 1}
    # A write of another town (or of none, as a model save from memory would) is put right.
    AllowanceGrant.objects.filter(resident=a).update(town_id=TOWN_B)
    grant = AllowanceGrant.objects.get(resident=a)
    assert grant.town_id == TOWN_A
    grant.town_id = None
    grant.save()
    grant.refresh_from_db()
    assert grant.town_id == TOWN_A


def test_a_move_in_the_next_extract_moves_grants_and_decisions(
    tmp_path, officer_a, officer_b, on_commit_tasks
):
    number = make_id(dt.date(1940, 1, 1), seq=501)
    for name, town in (("first.csv", TOWN_A), ("second.csv", TOWN_B)):
        path = tmp_path / name
        path.write_bytes(extract([csv_line(number, "迁居", "男", "1940-01-01", town)]).getvalue())
        with on_commit_tasks():  # the towns follow in the task the import queues on commit
            residents_import(actor=SYSTEM, path=path, extract_date=timezone.localdate())
        if town == TOWN_A:
            match(D(2027, 1, 1))
            assert AllowanceGrant.objects.get().town_id == TOWN_A
    assert AllowanceGrant.objects.get().town_id == TOWN_B
    assert _copied(AllowanceGrant) == _through_register(AllowanceGrant) == {TOWN_B: 1}
    assert _copied(AllowanceDecision) == _through_register(AllowanceDecision)
    # Scope follows: the new town's officer sees the grant, the old one no longer does.
    assert AllowanceGrant.objects.visible_to(officer_b).count() == 1
    assert AllowanceGrant.objects.visible_to(officer_a).count() == 0


def test_the_dashboard_counts_by_the_copied_town(district_staff):
    for town, born in ((TOWN_A, D(1940, 1, 1)), (TOWN_A, D(1935, 1, 1)), (TOWN_B, D(1930, 1, 1))):
        person(born, hukou_code=town)
    match(D(2027, 1, 1))
    data = selectors.dashboard(user=district_staff, month=D(2027, 1, 1))
    recipients = {r["town"].code: r["recipients"] for r in data["rows"] if r["recipients"]}
    assert recipients == {TOWN_A: 2, TOWN_B: 1}
