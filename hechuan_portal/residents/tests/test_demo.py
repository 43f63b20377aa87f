"""The demo register: deterministic, valid through the real import, re-runnable without change."""

import io

import pytest

from hechuan_portal.common import crypto, idcard
from hechuan_portal.residents import demo
from hechuan_portal.residents.models import Resident

pytestmark = pytest.mark.django_db


def test_seed_is_deterministic_and_idempotent():
    out = io.StringIO()
    demo.seed(residents=2000, stdout=out)
    assert "新增 2000" in out.getvalue()
    first = sorted(
        Resident.objects.values_list("id_index", "name", "birth_date", "town_id", "status", "updated_at")
    )
    demo.seed(residents=2000, stdout=out)
    assert "未变化 2000" in out.getvalue()
    assert (
        sorted(
            Resident.objects.values_list("id_index", "name", "birth_date", "town_id", "status", "updated_at")
        )
        == first
    )
    people = list(Resident.objects.all())
    aged80 = sum(1 for r in people if (demo.DEMO_EXTRACT_DATE - r.birth_date).days >= 80 * 365.25)
    assert 0.03 < aged80 / len(people) < 0.06
    assert len({r.town_id for r in people if r.town_id}) == 30
    sample = people[0]
    assert idcard.parse(crypto.decrypt(sample.id_cipher)).birth_date == sample.birth_date
    assert all(r.source == "演示数据" for r in people)


def test_allowance_demo_runs_the_match():
    from subsidies import demo as allowance_demo
    from subsidies.models import AllowanceGrant, MatchRun

    demo.seed(residents=500, stdout=io.StringIO())
    out = io.StringIO()
    allowance_demo.seed(residents=500, stdout=out)
    assert MatchRun.objects.get().status == "succeeded"
    assert AllowanceGrant.objects.filter(status="active").count() > 0 and "高龄津贴演示" in out.getvalue()


def test_every_demo_row_parses(tmp_path):
    from hechuan_portal.common.tabular import open_table
    from hechuan_portal.residents import rules

    path = tmp_path / "demo.csv"
    demo.write_csv(path, residents=3000)
    table = open_table(path)
    parser = rules.RowParser(rules.map_header(table.header))
    parsed = [parser(line, cells) for line, cells in table.rows]
    assert len(parsed) == 3000 and all(isinstance(p, rules.ParsedRow) for p in parsed)


def test_the_demo_scale_follows_the_residents():
    """Issue 18: the demo's beds, canteens and visits are sized per 1,000 elders of the register."""
    assert pytest.approx(0.265) == demo.ELDER_SHARE
    assert pytest.approx(0.045) == demo.OLDEST_SHARE
    assert demo.elders_of(20_000) == 5300 and demo.elders_of(1_500_000) == 397_500
    assert demo.elders_of(0) == demo.elders_of(-5) == 0
    # 30 beds per 1,000 elders: 159 at the default size, 11,925 for the whole district.
    assert demo.per_thousand_elders(20_000, 30) == 159
    assert demo.per_thousand_elders(1_500_000, 30) == 11_925
    assert demo.per_thousand_elders(60, 30) == 0
