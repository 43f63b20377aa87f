from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from conftest import make_user
from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from monitoring import services
from monitoring.models import FacilityRisk, Inspection, InspectionPlan, InspectorConflict, PlanDraw, Topic

from .conftest import TOWN_A, TOWN_B
from .factories import FacilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(operator):
    homes = [FacilityFactory(name=f"养老院{n}", town_id=TOWN_A) for n in range(10)]
    nurseries = [
        FacilityFactory(name=f"托育{n}", town_id=TOWN_A, kind="nursery", beds_total=0, beds_occupied=0)
        for n in range(5)
    ]
    FacilityFactory(name="钓鱼城养老院", town_id=TOWN_B)
    FacilityFactory(name="筹建中", town_id=TOWN_A, status="planned")
    FacilityFactory(name="助浴点", town_id=TOWN_A, kind="bathing_point")  # covered by the elder fire template
    homes[0].operators.add(operator)
    return homes, nurseries


def _plan(user, **kw):
    fields = {
        "name": "消防双随机",
        "topic": Topic.FIRE_SAFETY,
        "starts_on": date(2026, 3, 1),
        "ends_on": date(2026, 3, 31),
        "sample_rate": "0.2",
        "high_risk_rate": "1",
        "inspectors_per_target": 2,
    }
    fields.update(kw)
    return services.plan_create(actor=user, **fields)


def test_officer_plan_is_for_their_town_and_draw_is_reproducible(population, officer_a, district_staff):
    other = make_user("officer_a2", "town_officer", TOWN_A)
    third = make_user("officer_a3", "town_officer", TOWN_A)
    plan = _plan(officer_a, town_id=TOWN_B)
    assert plan.town_id == TOWN_A  # an officer cannot plan for another town
    homes, _ = population
    InspectorConflict.objects.create(inspector=other, facility=homes[1], reason="亲属在该机构任职")
    record = services.plan_draw(plan=plan, actor=officer_a, seed=123456789)
    assert record.seed == 123456789
    # Operating facilities of town A with a fire template: 10 homes, 5 nurseries, 1 bathing point.
    assert len(record.inputs["facilities"]) == 16
    assert services.redraw(record).targets == record.result
    assert services.redraw(record).log == record.log
    targets = {t["facility"] for t in record.result}
    assert Inspection.objects.filter(plan=plan).count() == len(targets)
    assert set(Inspection.objects.filter(plan=plan).values_list("facility_id", flat=True)) == targets
    for inspection in Inspection.objects.filter(plan=plan).prefetch_related("inspectors"):
        names = {u.username for u in inspection.inspectors.all()}
        assert len(names) == 2 and names <= {"officer_a", "officer_a2", "officer_a3", "staff_a"}
        if inspection.facility_id == homes[1].pk:
            assert "officer_a2" not in names
    plan.refresh_from_db()
    assert plan.status == "drawn"
    assert AuditEvent.objects.filter(reason="plan_draw", object_id=str(plan.pk)).count() == 1
    assert third  # part of the pool


def test_draw_excludes_operators_of_the_facility(population, district_staff, operator):
    # An operator account in the pool is refused outright: operators never inspect.
    plan = _plan(district_staff, town_id=TOWN_A)
    with pytest.raises(PortalError, match="not_inspector"):
        services.plan_draw(plan=plan, actor=district_staff, seed=1, inspectors=[district_staff, operator])
    assert not PlanDraw.objects.exists() and not Inspection.objects.exists()


def test_linked_inspector_is_never_drawn_for_the_facility(population, district_staff, officer_a):
    homes, _ = population
    homes[2].operators.add(officer_a)  # e.g. an officer who also holds an account at the home
    for seed in range(5):
        plan = _plan(district_staff, town_id=TOWN_A, name=f"p{seed}", high_risk_rate="1", sample_rate="1")
        record = services.plan_draw(
            plan=plan, actor=district_staff, seed=seed, inspectors=[district_staff, officer_a]
        )
        target = next(t for t in record.result if t["facility"] == homes[2].pk)
        assert target["inspectors"] == [district_staff.pk]
        assert {
            "event": "excluded",
            "facility": homes[2].pk,
            "inspector": officer_a.pk,
            "reason": "operator",
        } in record.log


def test_draw_only_once_and_high_risk_is_sampled_more(population, district_staff):
    homes, _ = population
    services.risk_refresh(actor=SYSTEM)
    FacilityRisk.objects.filter(facility__in=homes[:4]).update(band="high")
    plan = _plan(district_staff, town_id=TOWN_A, facility_kinds=["nursing_home"])
    record = services.plan_draw(plan=plan, actor=district_staff, seed=99)
    strata = {(e["kind"], e["band"]): len(e["drawn"]) for e in record.log if e["event"] == "stratum"}
    assert strata == {("nursing_home", "high"): 4, ("nursing_home", "low"): 2}
    with pytest.raises(PortalError, match="already_drawn"):
        services.plan_draw(plan=plan, actor=district_staff, seed=100)


def test_plan_pages_and_scope(population, officer_a_client, officer_b_client, staff_client, operator_client):
    response = officer_a_client.post(
        reverse("monitoring:plan_new"),
        {
            "name": "三月消防抽查",
            "topic": "fire_safety",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
            "sample_rate": "0.2",
            "high_risk_rate": "0.5",
            "inspectors_per_target": "1",
        },
    )
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and plan.town_id == TOWN_A
    url = reverse("monitoring:plan_detail", args=[plan.pk])
    assert officer_b_client.get(url).status_code == 404
    assert operator_client.get(url).status_code == 403
    # the first post only shows what will be drawn; nothing is drawn until it is confirmed
    summary = officer_a_client.post(url, {"seed": "2024"})
    assert summary.status_code == 200 and summary.context["confirm"]["seed"] == 2024
    assert summary.context["confirm"]["facilities"] == services.plan_population(plan).count()
    assert "确认双随机抽取" in summary.content.decode() and 'name="confirm" value="yes"' in summary.content.decode()
    assert not PlanDraw.objects.filter(plan=plan).exists()
    response = officer_a_client.post(url, {"seed": "2024", "confirm": "yes"}, follow=True)
    assert "抽取完成：抽中" in response.content.decode()
    page = officer_a_client.get(url).content.decode()
    assert "2024" in page and "按种子重新抽取结果一致" in page and "养老机构 / 低风险" in page
    assert staff_client.get(url).status_code == 200


def test_api_plan_create_and_draw(population, officer_a_client, officer_b_client):
    response = officer_a_client.post(
        "/api/v1/monitoring/plans/",
        {"name": "API", "topic": "fire_safety", "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["town"] == TOWN_A
    assert (
        officer_b_client.post(
            f"/api/v1/monitoring/plans/{pk}/draw/", {}, content_type="application/json"
        ).status_code
        == 404
    )
    drawn = officer_a_client.post(
        f"/api/v1/monitoring/plans/{pk}/draw/", {"seed": 5}, content_type="application/json"
    )
    assert drawn.status_code == 201 and drawn.json()["seed"] == 5
    again = officer_a_client.post(
        f"/api/v1/monitoring/plans/{pk}/draw/", {"seed": 5}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_drawn"


def test_draw_page_with_a_chosen_pool(population, officer_a, officer_a_client):
    other = make_user("officer_a2", "town_officer", TOWN_A)
    plan = _plan(officer_a, town_id=TOWN_A, inspectors_per_target=1)
    url = reverse("monitoring:plan_detail", args=[plan.pk])
    assert "officer_a2" in officer_a_client.get(url).content.decode()
    summary = officer_a_client.post(url, {"seed": "77", "inspectors": [other.pk]})
    assert summary.context["confirm"]["inspectors"] == 1 and not PlanDraw.objects.exists()
    # the confirmation carries the same answers, the chosen pool included
    assert f'name="inspectors" value="{other.pk}"' in summary.content.decode()
    officer_a_client.post(url, {"seed": "77", "inspectors": [other.pk], "confirm": "yes"})
    record = PlanDraw.objects.get()
    assert [i["id"] for i in record.inputs["inspectors"]] == [other.pk]
    assert {tuple(t["inspectors"]) for t in record.result} == {(other.pk,)}


def test_bad_plan_dates_are_a_form_error_not_a_crash(officer_a_client):
    response = officer_a_client.post(
        reverse("monitoring:plan_new"),
        {
            "name": "倒序",
            "topic": "fire_safety",
            "starts_on": "2026-03-31",
            "ends_on": "2026-03-01",
            "sample_rate": "0.2",
            "high_risk_rate": "1.5",
            "inspectors_per_target": "1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "结束日期不能早于开始日期。" in body and "抽查比例应大于 0 且不超过 1。" in body
    assert not InspectionPlan.objects.exists()
    api = officer_a_client.post(
        "/api/v1/monitoring/plans/",
        {"name": "x", "topic": "fire_safety", "starts_on": "2026-03-31", "ends_on": "2026-03-01"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json() == {"code": "invalid", "detail": "结束日期不能早于开始日期。", "field": "ends_on"}
