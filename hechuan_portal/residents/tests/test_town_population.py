"""The per-town register summary (`TownPopulation`, issue 20): exact after every import (new people,
a death, a move out, a move between towns), on both sides of the age cut-offs, and scoped."""

import datetime as dt

import pytest
from django.db.models import Count, Q

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.residents import selectors, services
from hechuan_portal.residents.models import DuplicateGroup, Resident, TownPopulation

from .conftest import csv_line, extract
from .factories import ResidentFactory, make_id

pytestmark = pytest.mark.django_db
TOWN_A, TOWN_B, ELSEWHERE = "500117001000", "500117002000", "500112001000"
TODAY = dt.date(2026, 12, 7)
EIGHTY = dt.date(1946, 12, 7)  # 80 on TODAY
CUTOFFS = {"aged80": EIGHTY}


def _load(tmp_path, rows, name, on_commit_tasks):
    """Import `rows`; the summaries are rebuilt by the task the import queues on commit."""
    path = tmp_path / name
    path.write_bytes(extract(rows).getvalue())
    with on_commit_tasks():
        services.residents_import(actor=SYSTEM, path=path, extract_date=TODAY)


def _direct(user=SYSTEM):
    """The same figures counted straight from the register."""
    alive = Q(status="normal")
    return {
        row.pop("town_id"): row
        for row in Resident.objects.visible_to(user)
        .values("town_id")
        .annotate(
            total=Count("id"),
            alive=Count("id", filter=alive),
            aged80=Count("id", filter=alive & Q(birth_date__lte=EIGHTY)),
        )
        .order_by()
    }


def test_the_summary_equals_a_direct_count_after_each_import(tmp_path, on_commit_tasks):
    ids = {k: make_id(birth, seq=100 + i) for i, (k, birth) in enumerate([
        ("old", dt.date(1930, 2, 1)),
        ("edge", EIGHTY),  # 80 today: counted
        ("young", dt.date(1946, 12, 8)),  # 80 tomorrow: not counted
        ("mover", dt.date(1960, 6, 1)),
        ("leaver", dt.date(1955, 1, 1)),
        ("away", dt.date(1970, 1, 1)),
    ])}  # fmt: skip
    first = [
        csv_line(ids["old"], "老一", "男", "1930-02-01", TOWN_A),
        csv_line(ids["edge"], "边界", "男", "1946-12-07", TOWN_A),
        csv_line(ids["young"], "差一天", "男", "1946-12-08", TOWN_A),
        csv_line(ids["mover"], "搬家", "男", "1960-06-01", TOWN_A),
        csv_line(ids["leaver"], "迁走", "男", "1955-01-01", TOWN_B),
        csv_line(ids["away"], "区外", "男", "1970-01-01", ELSEWHERE),
    ]
    _load(tmp_path, first, "first.csv", on_commit_tasks)
    counts = selectors.register_counts(user=SYSTEM, cutoffs=CUTOFFS)
    assert counts == _direct()
    assert counts[TOWN_A] == {"total": 4, "alive": 4, "aged80": 2}
    assert counts[None]["total"] == 1

    # A death, a move out of the district and a move between towns, in the next extract.
    second = [
        csv_line(ids["old"], "老一", "男", "1930-02-01", TOWN_A, status="死亡", death="2026-11-20"),
        csv_line(ids["edge"], "边界", "男", "1946-12-07", TOWN_A),
        csv_line(ids["young"], "差一天", "男", "1946-12-08", TOWN_A),
        csv_line(ids["mover"], "搬家", "男", "1960-06-01", TOWN_B),
        csv_line(ids["leaver"], "迁走", "男", "1955-01-01", TOWN_B, status="迁出", moved="2026-11-25"),
        csv_line(ids["away"], "区外", "男", "1970-01-01", ELSEWHERE),
    ]
    _load(tmp_path, second, "second.csv", on_commit_tasks)
    counts = selectors.register_counts(user=SYSTEM, cutoffs=CUTOFFS)
    assert counts == _direct()
    assert counts[TOWN_A] == {"total": 3, "alive": 2, "aged80": 1}
    assert counts[TOWN_B] == {"total": 2, "alive": 1, "aged80": 0}
    assert selectors.population_by_town()[TOWN_A] == (2, selectors.POPULATION_REGISTER)


def test_the_import_queues_one_task_and_does_not_wait_for_the_summaries(
    tmp_path, celery_eager, django_capture_on_commit_callbacks
):
    path = tmp_path / "extract.csv"
    path.write_bytes(
        extract([csv_line(make_id(EIGHTY, seq=150), "等待", "男", "1946-12-07", TOWN_A)]).getvalue()
    )
    with django_capture_on_commit_callbacks() as queued:
        services.residents_import(actor=SYSTEM, path=path, extract_date=TODAY)
    assert len(queued) == 1  # one task for every summary, sent once the import has committed
    assert not TownPopulation.objects.exists() and not DuplicateGroup.objects.exists()
    ResidentFactory(hukou_code=TOWN_A, name="等待", birth_date=EIGHTY)  # a namesake, for a duplicate group
    queued[0]()  # the worker's turn
    assert selectors.register_counts(user=SYSTEM, cutoffs=CUTOFFS) == _direct()
    assert DuplicateGroup.objects.filter(town_id=TOWN_A, name="等待").get().n == 2


def test_the_refresh_is_one_statement_that_replaces_every_row():
    ResidentFactory(hukou_code=TOWN_A, birth_date=dt.date(1940, 5, 5))
    ResidentFactory(hukou_code=TOWN_A, birth_date=dt.date(1940, 5, 20))
    TownPopulation.objects.create(town_id=TOWN_B, alive=True, born_in=dt.date(1999, 1, 1), n=7)
    assert services.town_population_refresh(actor=SYSTEM) == 1
    assert list(TownPopulation.objects.values_list("town_id", "alive", "born_in", "n")) == [
        (TOWN_A, True, dt.date(1940, 5, 1), 2)
    ]


def test_the_quality_page_reads_the_summary_for_its_scope(staff_client, officer_a_client):
    for code, birth in [
        (TOWN_A, dt.date(1920, 1, 1)),
        (TOWN_A, dt.date(1990, 1, 1)),
        (TOWN_B, dt.date(1940, 1, 1)),
    ]:
        ResidentFactory(hukou_code=code, birth_date=birth)
    services.town_population_refresh(actor=SYSTEM)
    staff = staff_client.get("/manage/residents/quality/").context["report"]
    assert [(t.code, t.total, t.aged80, t.aged100) for t in staff["per_town"]] == [
        (TOWN_A, 2, 1, 1),
        (TOWN_B, 1, 1, 0),
    ]
    assert staff["centenarian_count"] == 1
    officer = officer_a_client.get("/manage/residents/quality/").context["report"]
    assert [t.code for t in officer["per_town"]] == [TOWN_A]
    assert officer["outside"] == 0


def test_the_summary_is_read_in_a_constant_number_of_queries(django_assert_num_queries):
    for seq in range(30):
        ResidentFactory(hukou_code=(TOWN_A, TOWN_B)[seq % 2], birth_date=dt.date(1930 + seq, 12, 1))
    services.town_population_refresh(actor=SYSTEM)
    with django_assert_num_queries(2):
        counts = selectors.register_counts(user=SYSTEM, cutoffs=CUTOFFS)
    assert counts == _direct()
