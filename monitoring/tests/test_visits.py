from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from monitoring import rules, selectors, services
from monitoring.models import WelfareVisit
from monitoring.standards import config

from .conftest import TOWN_A, TOWN_B
from .factories import ResidentFactory, community

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 20)


def born(age, today=TODAY):
    return today.replace(year=today.year - age) - timedelta(days=1)


@pytest.fixture
def village():
    """A hand-made community of 合阳城街道 with every kind of elder, and one in another community."""
    east = community("500117001001", "东津沱社区")
    west = community("500117001002", "花园社区")
    people = {
        "alone85": ResidentFactory(name="独居八五", birth_date=born(85), lives_alone=True, community=east),
        "nest79": ResidentFactory(name="空巢七九", birth_date=born(79), empty_nest=True, community=east),
        "tekun70": ResidentFactory(name="特困七十", birth_date=born(70), tekun=True, community=east),
        "severe66": ResidentFactory(name="重残六六", birth_date=born(66), disability_grade=2, community=east),
        "mild66": ResidentFactory(name="轻残六六", birth_date=born(66), disability_grade=4, community=east),
        "plain90": ResidentFactory(name="普通九十", birth_date=born(90), community=east),
        "young59": ResidentFactory(name="五十九", birth_date=born(59), lives_alone=True, community=east),
        "dead": ResidentFactory(
            name="已故",
            birth_date=born(88),
            lives_alone=True,
            community=east,
            status="deceased",
            death_date=date(2026, 1, 2),
        ),
        "special61": ResidentFactory(
            name="计生六一", birth_date=born(61), special_family=True, community=west
        ),
        "other_town": ResidentFactory(
            name="钓鱼城老人", birth_date=born(82), lives_alone=True, town_id=TOWN_B, community=None
        ),
    }
    services.visit_due_refresh(actor=SYSTEM, today=TODAY)  # as the nightly job and every import do
    return people


def test_visit_tiers_of_the_standard(village, district_staff):
    """STANDARDS §8, one SQL expression (`selectors.visit_tier`) for the list and for one person."""
    rows = {r.name: r.tier for r in selectors.visit_candidates(user=district_staff, today=TODAY)}
    assert rows == {
        "独居八五": "weekly",  # 80+ and living alone
        "空巢七九": "quarterly",  # alone, not yet 80
        "特困七十": "monthly",
        "重残六六": "monthly",  # 重残 (grades 1–2)
        "计生六一": "monthly",
        "钓鱼城老人": "weekly",
    }
    tier = {name: services.resident_tier(r, today=TODAY) for name, r in village.items()}
    assert {name: t for name, t in tier.items() if t and name != "dead"} == {
        "alone85": "weekly",
        "nest79": "quarterly",
        "tekun70": "monthly",
        "severe66": "monthly",
        "special61": "monthly",
        "other_town": "weekly",
    }
    assert tier["young59"] is None and tier["plain90"] is None and tier["mild66"] is None
    # A critical condition makes any covered elder weekly; it does not cover the uncovered.
    assert services.resident_tier(village["nest79"], today=TODAY, serious_condition=True) == "weekly"
    assert services.resident_tier(village["plain90"], today=TODAY, serious_condition=True) is None
    # The 80th birthday moves an elder living alone from quarterly to weekly on the day.
    assert services.resident_tier(village["nest79"], today=TODAY.replace(year=2027)) == "weekly"


def test_officer_list_shows_due_and_overdue_for_their_town(village, officer_a):
    visitor = officer_a
    services.visit_record(
        resident=village["alone85"],
        actor=visitor,
        visited_on=TODAY - timedelta(days=8),
        method="home",
        condition="fair",
    )
    services.visit_record(
        resident=village["tekun70"],
        actor=visitor,
        visited_on=TODAY - timedelta(days=25),
        method="phone",
        condition="good",
    )
    services.visit_record(
        resident=village["nest79"],
        actor=visitor,
        visited_on=TODAY - timedelta(days=3),
        method="video",
        condition="good",
    )
    rows = list(selectors.visit_candidates(user=officer_a, today=TODAY))
    states = {r.name: (r.due_state, r.next_due_on) for r in rows}
    assert states == {
        "独居八五": ("overdue", TODAY - timedelta(days=1)),
        "特困七十": ("due", TODAY + timedelta(days=5)),
        "空巢七九": ("ok", TODAY + timedelta(days=87)),
        "重残六六": ("never", None),
        "计生六一": ("never", None),
    }
    assert [r.name for r in rows][:1] == ["独居八五"]  # overdue first
    only_west = selectors.visit_candidates(user=officer_a, today=TODAY, community="500117001002")
    assert [r.name for r in only_west] == ["计生六一"]


def test_a_critical_condition_makes_visits_weekly(village, officer_a):
    visit = services.visit_record(
        resident=village["nest79"],
        actor=officer_a,
        visited_on=TODAY - timedelta(days=2),
        method="home",
        condition="critical",
    )
    assert visit.next_due_on == TODAY + timedelta(days=5)
    row = selectors.visit_candidates(user=officer_a, today=TODAY).get(pk=village["nest79"].pk)
    assert row.tier == "weekly"


def test_visit_record_rules(village, officer_a, operator):
    with pytest.raises(PortalError, match="not_covered"):
        services.visit_record(
            resident=village["plain90"], actor=officer_a, visited_on=TODAY, method="home", condition="good"
        )
    with pytest.raises(PortalError, match="not_allowed"):
        services.visit_record(
            resident=village["tekun70"], actor=operator, visited_on=TODAY, method="home", condition="good"
        )
    with pytest.raises(PortalError, match="next_due_order"):
        services.visit_record(
            resident=village["tekun70"],
            actor=officer_a,
            visited_on=TODAY,
            method="home",
            condition="good",
            next_due_on=TODAY,
        )
    assert not WelfareVisit.objects.exists()
    visit = services.visit_record(
        resident=village["tekun70"],
        actor=officer_a,
        visited_on=TODAY,
        method="home",
        condition="poor",
        needs=["meals", "bathing", "meals"],
        referrals=["canteen", "bathing"],
        notes="行动不便",
    )
    assert (visit.town_id, visit.community_id, visit.needs, visit.referrals) == (
        TOWN_A,
        "500117001001",
        ["bathing", "meals"],
        ["bathing", "canteen"],
    )
    assert visit.next_due_on == TODAY + timedelta(days=30)
    event = AuditEvent.objects.get(object_type="monitoring.welfarevisit")
    assert event.changes == {"tier": "monthly"} and "行动不便" not in str(event.changes)


def test_monthly_rates_for_a_hand_made_community(village, officer_a, district_staff):
    def visit(key, day):
        services.visit_record(
            resident=village[key], actor=officer_a, visited_on=day, method="home", condition="good"
        )

    visit("alone85", date(2026, 3, 2))
    visit("alone85", date(2026, 3, 9))  # twice in March still counts once
    visit("tekun70", date(2026, 3, 15))
    visit("severe66", date(2026, 2, 27))  # February only
    visit("special61", date(2026, 3, 1))
    communities, towns = selectors.visit_rates(user=district_staff, year=2026, month=3, today=TODAY)
    got = [(r.community_name, r.covered, r.visited, r.rate) for r in communities]
    from decimal import Decimal

    # 东津沱: 独居八五, 空巢七九, 特困七十, 重残六六 covered → 2 of 4 visited in March.
    assert got == [
        ("东津沱社区", 4, 2, Decimal("50.0")),
        ("花园社区", 1, 1, Decimal("100.0")),
        ("", 1, 0, Decimal("0.0")),
    ]
    assert [(t.town_name, t.covered, t.visited, t.rate) for t in towns] == [
        ("合阳城街道", 5, 3, Decimal("60.0")),
        ("钓鱼城街道", 1, 0, Decimal("0.0")),
    ]
    communities, towns = selectors.visit_rates(user=officer_a, year=2026, month=2, today=TODAY)
    assert [(t.town_name, t.covered, t.visited) for t in towns] == [("合阳城街道", 5, 1)]


def test_rates_page_export_and_scope(village, officer_a, officer_a_client, operator_client, auditor_client):
    month = timezone.localdate().strftime("%Y-%m")
    services.visit_record(
        resident=village["tekun70"],
        actor=officer_a,
        visited_on=timezone.localdate(),
        method="home",
        condition="good",
    )
    page = officer_a_client.get(reverse("monitoring:visit_rates"), {"month": month}).content.decode()
    assert "东津沱社区" in page and "钓鱼城街道" not in page
    response = officer_a_client.get(reverse("monitoring:visit_rates_export"), {"month": month})
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0] == ("月份", "镇街", "村社区", "应探访人数", "已探访人数", "探访率（%）", "目标（%）")
    assert rows[1][:5] == (month, "合阳城街道", "（全镇街合计）", rows[1][3], 1)
    assert AuditEvent.objects.filter(action="export", reason="visit_rates_xlsx").count() == 1
    assert operator_client.get(reverse("monitoring:visit_rates")).status_code == 403
    assert auditor_client.get(reverse("monitoring:visit_rates")).status_code == 403


def test_visit_pages_on_phone(village, officer_a_client, officer_b_client):
    today = timezone.localdate()
    page = officer_a_client.get(reverse("monitoring:visit_due"))
    assert page.status_code == 200 and "独居" in page.content.decode()
    assert AuditEvent.objects.filter(reason="visit_due_list").count() == 1
    url = reverse("monitoring:visit_new", args=[village["tekun70"].pk])
    assert officer_b_client.get(url).status_code == 404
    response = officer_a_client.post(
        url,
        {
            "visited_on": today.isoformat(),
            "method": "home",
            "condition": "good",
            "needs": ["meals"],
            "referrals": ["canteen"],
        },
    )
    assert response.status_code == 302
    visit = WelfareVisit.objects.get()
    assert visit.next_due_on == rules.visit_next_due(today, "monthly", config())
    assert (
        officer_a_client.post(
            url,
            {"visited_on": (today + timedelta(days=1)).isoformat(), "method": "home", "condition": "good"},
        ).status_code
        == 200
    )
    assert WelfareVisit.objects.count() == 1


def test_visit_api_scope(village, officer_a, officer_a_client, officer_b_client, operator_client):
    payload = {
        "resident": village["tekun70"].pk,
        "visited_on": TODAY.isoformat(),
        "method": "phone",
        "condition": "good",
    }
    assert (
        officer_b_client.post(
            "/api/v1/monitoring/visits/", payload, content_type="application/json"
        ).status_code
        == 404
    )
    response = officer_a_client.post("/api/v1/monitoring/visits/", payload, content_type="application/json")
    assert (
        response.status_code == 201
        and response.json()["next_due_on"] == (TODAY + timedelta(days=30)).isoformat()
    )
    assert officer_b_client.get("/api/v1/monitoring/visits/").json()["count"] == 0
    assert operator_client.get("/api/v1/monitoring/visits/").json()["count"] == 0
    assert officer_a_client.get("/api/v1/monitoring/visits/").json()["count"] == 1


def test_visit_and_inspection_forms_default_to_today_in_iso(village, officer_a_client, facility_a):
    """The browser's date field accepts only ISO dates: the default must be `2026-12-07`, not
    `2026/12/07` (Django's zh-hans input format), or officers type the date on every form."""
    today = timezone.localdate().isoformat()
    visit = officer_a_client.get(reverse("monitoring:visit_new", args=[village["tekun70"].pk])).content.decode()
    assert f'type="date" name="visited_on" value="{today}"' in visit
    inspection = officer_a_client.get(reverse("monitoring:inspection_new")).content.decode()
    assert f'type="date" name="due_on" value="{today}"' in inspection
    assert today.replace("-", "/") not in inspection + visit
