"""The 80岁以上能力评估覆盖率 summary (`AssessmentCoverage`, issue 20): equal to the count made straight
from the register and the signed assessments after an import (a death, a move out, a move between
towns), a sign-off and a policy edit; the eldercare page and the overview read the same rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.utils import timezone

from hechuan_portal.accounts.models import Role
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.residents.models import Resident
from hechuan_portal.residents.services import residents_import
from hechuan_portal.residents.tests.conftest import HEADER
from hechuan_portal.residents.tests.factories import make_id
from overview.indicators import elder_assessment_coverage

from .. import selectors, services
from ..models import AssessmentCoverage, AssessmentPolicy
from .factories import TOWN_A, TOWN_B, answers_totalling, make_assessor

pytestmark = pytest.mark.django_db


def _direct(today: dt.date) -> set[tuple]:
    return {(r["town_id"], r["aged80"], r["assessed"]) for r in selectors.coverage_by_town(as_of=today)}


def _stored(today: dt.date) -> set[tuple]:
    rows = AssessmentCoverage.objects.filter(as_of=today, aged80__gt=0)
    return set(rows.values_list("town_id", "aged80", "assessed"))


def _line(number, name, birth, town, status="正常", death="", moved=""):
    return f"{number},{name},男,{birth},{town},{status},{death},{moved},路1号,13800000000,否,否,否,否,否,否,"


def _import(tmp_path, lines, name, on_commit_tasks):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    with on_commit_tasks():  # the summaries are rebuilt by the task the import queues on commit
        residents_import(actor=SYSTEM, path=path, extract_date=timezone.localdate())


def _page_figure(client) -> tuple[int, int]:
    coverage = client.get("/manage/eldercare/").context["coverage"]
    return coverage["assessed"], coverage["aged80"]


def test_the_summary_follows_imports_sign_offs_and_policy(tmp_path, staff_client, officer_a_client, on_commit_tasks):
    today = timezone.localdate()
    first = make_assessor("cov_one", role=Role.DISTRICT_STAFF)
    second = make_assessor("cov_two", role=Role.DISTRICT_STAFF)
    people = {
        key: make_id(dt.date(1940, 1, 1 + i), seq=500 + i)
        for i, key in enumerate(["dies", "leaves", "moves"])
    }
    young = make_id(dt.date(1950, 1, 1), seq=599)

    def extract(dies=False, leaves=False, moves=False):
        return [
            _line(people["dies"], "甲", "1940-01-01", TOWN_A, *(("死亡", "2026-11-30") if dies else ())),
            _line(
                people["leaves"], "乙", "1940-01-02", TOWN_A, *(("迁出", "", "2026-11-30") if leaves else ())
            ),
            _line(people["moves"], "丙", "1940-01-03", TOWN_B if moves else TOWN_A),
            _line(young, "丁", "1950-01-01", TOWN_A),  # 76: never counted
        ]

    _import(tmp_path, extract(), "first.csv", on_commit_tasks)
    assert _stored(today) == _direct(today) == {(TOWN_A, 3, 0)}
    assert _page_figure(staff_client) == (0, 3)

    # A sign-off: the town's row moves at once, and the page with it.
    mover = Resident.objects.get(name="丙")
    assessment = services.assessment_record(
        actor=first,
        resident=mover,
        assessed_on=today - dt.timedelta(days=70),
        place="home",
        items=answers_totalling(50),
    )
    assert _page_figure(staff_client) == (0, 3)  # not signed yet: not counted
    services.assessment_sign(actor=second, assessment=assessment)
    assert _stored(today) == _direct(today) == {(TOWN_A, 3, 1)}
    assert _page_figure(staff_client) == (1, 3) == _page_figure(officer_a_client)
    assert elder_assessment_coverage(today) == {TOWN_A: (1, 3)}  # the overview reads the same rows

    # The next extract: one died, one moved out of the district, the assessed one moved to town B.
    _import(tmp_path, extract(dies=True, leaves=True, moves=True), "second.csv", on_commit_tasks)
    assert _stored(today) == _direct(today) == {(TOWN_B, 1, 1)}
    assert _page_figure(staff_client) == (1, 1)
    assert _page_figure(officer_a_client) == (0, 0)

    # A policy edit in the admin: re-assessed every month, the 70-day-old assessment is due again.
    policy = AssessmentPolicy.objects.first()
    policy.reassess_months = 1
    request = RequestFactory().post("/admin/")
    site._registry[AssessmentPolicy].save_model(request, policy, None, True)
    assert _stored(today) == _direct(today) == {(TOWN_B, 1, 0)}


def test_a_days_first_read_builds_every_towns_row():
    today = timezone.localdate()
    assert not AssessmentCoverage.objects.filter(as_of=today).exists()
    services.coverage_ensure()
    towns = AssessmentCoverage.objects.filter(as_of=today)
    assert towns.count() == 30 and not towns.filter(aged80__gt=0).exists()
    # A sign-off before the day's first read recounts the whole day, never one town alone.
    AssessmentCoverage.objects.all().delete()
    services.coverage_refresh(actor=SYSTEM, town=TOWN_A)
    assert AssessmentCoverage.objects.filter(as_of=today).count() == 30
