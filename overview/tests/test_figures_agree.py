"""Issue 18: every figure agrees wherever it is shown. One seeded district (facilities with classes
and a filed capacity, enrolments, communities carrying a population in one town and the register in
the other, a coverage run); each indicator is read through every page and API that shows it — the
dashboard tile, the indicator page, the town page, the monthly report (page and XLSX), the overview
API, and the app pages repeating it (childcare 托位概况 page and API, the coverage page) — and the
values must be equal, for district staff and for a town officer (who sees their town only)."""

import datetime as dt
import io
import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from childcare.services import class_create, enrolment_create
from childcare.tests.factories import ChildFactory
from conftest import TOWN_A, TOWN_B, make_user
from facilities.models import Facility, FacilityKind, FacilityStatus, ServiceLayer
from facilities.services import coverage_refresh
from facilities.tests.factories import make_community, pt
from hechuan_portal.accounts.models import Role
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.areas.models import DISTRICT_CODE
from hechuan_portal.common.months import add_months
from hechuan_portal.residents.models import Resident
from hechuan_portal.residents.services import town_population_refresh
from monitoring.services import visit_record
from overview.definitions import markdown
from overview.indicators import INDICATORS
from overview.rules import indicator_value
from overview.services import snapshot_refresh

from .test_overview import residents

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERIOD = TODAY.replace(day=1)
AREAS = (DISTRICT_CODE, TOWN_A, TOWN_B)


def nursery(name, town, lng, lat, **extra):
    return Facility.objects.create(
        name=name,
        kind=FacilityKind.NURSERY,
        town_id=town,
        status=FacilityStatus.OPERATING,
        location=pt(lng, lat),
        **extra,
    )


@pytest.fixture
def district(db):
    """Town A: two communities carrying 4,000 and 6,000 people, a nursery with two classes (9 infant
    places, 15 普惠 托小班 places) and one child enrolled; 50 register residents (not the population:
    the communities carry it). Town B: no community population, 300 register residents, a nursery
    with a 托大班 of 20 and a childcare point with a filed capacity of 12 (no classes), and a planned
    nursery (not counted). Elder beds in both; a day care 300 m from one community of A."""
    make_community("500117001001", "甲一社区", 106.270, 30.000, population=4000)
    make_community("500117001002", "甲二社区", 106.300, 30.020, population=6000)
    a = nursery("甲托育", TOWN_A, 106.271, 30.001)
    class_create(actor=SYSTEM, facility=a, name="乳儿班", class_type="infant", capacity=9, caregivers=3)
    small = class_create(
        actor=SYSTEM,
        facility=a,
        name="托小班",
        class_type="toddler_small",
        capacity=15,
        caregivers=3,
        is_inclusive=True,
    )
    child = ChildFactory(birth_date=add_months(TODAY, -15), facility=a)
    enrolment_create(actor=SYSTEM, child=child, klass=small, start_date=TODAY)
    b = nursery("乙托育", TOWN_B, 106.290, 30.050)
    class_create(
        actor=SYSTEM, facility=b, name="托大班", class_type="toddler_large", capacity=20, caregivers=3
    )
    Facility.objects.create(
        name="乙托育点",
        kind=FacilityKind.CHILDCARE_POINT,
        town_id=TOWN_B,
        status=FacilityStatus.OPERATING,
        location=pt(106.291, 30.051),
        places_total=12,
        places_inclusive=12,
        places_occupied=5,
    )
    planned = nursery("筹建托育", TOWN_B, 106.292, 30.052, places_total=500)
    Facility.objects.filter(pk=planned.pk).update(status=FacilityStatus.PLANNED)
    for name, town, beds, used, nursing in (
        ("甲敬老院", TOWN_A, 100, 80, 60),
        ("乙敬老院", TOWN_B, 60, 30, 20),
    ):
        Facility.objects.create(
            name=name,
            kind=FacilityKind.NURSING_HOME,
            town_id=town,
            status=FacilityStatus.OPERATING,
            location=pt(106.30, 30.05),
            beds_total=beds,
            beds_occupied=used,
            beds_nursing=nursing,
        )
    Facility.objects.create(
        name="甲日照",
        kind=FacilityKind.DAY_CARE,
        town_id=TOWN_A,
        status=FacilityStatus.OPERATING,
        location=pt(106.270, 30.0027),
        beds_total=10,
        beds_occupied=5,
    )
    residents(TOWN_A, 50)
    residents(TOWN_A, 3, start=900)  # three people aged 80+ (no assessment yet: 0 %)
    aged = Resident.objects.filter(name__in=["居民900", "居民901", "居民902"])
    aged.update(birth_date=dt.date(1940, 1, 1), lives_alone=True)  # due a monthly visit
    visit_record(
        resident=aged.get(name="居民900"),
        actor=make_user("visitor_a", Role.TOWN_OFFICER, TOWN_A),
        visited_on=TODAY,
        method="home",
        condition="good",
    )
    residents(TOWN_B, 300, start=50)
    town_population_refresh(actor=SYSTEM)  # as every household import does
    coverage_refresh(actor=SYSTEM)
    snapshot_refresh(period=PERIOD, actor=SYSTEM)


def fresh(area: str) -> dict[str, D | None]:
    """Each indicator computed now, by its one function, for a town or the district."""
    out = {}
    for ind in INDICATORS:
        parts = ind.compute(PERIOD)
        if area == DISTRICT_CODE:
            num = sum((n for n, _d in parts.values()), D(0))
            den = sum((d or 0 for _n, d in parts.values()), D(0)) if ind.has_denominator else None
        else:
            num, den = parts.get(area, (D(0), D(0) if ind.has_denominator else None))
        out[ind.code] = indicator_value(num, den, ind.scale)
    return out


def tile_values(body: str) -> dict[str, str]:
    """The value printed on each dashboard tile."""
    found = re.findall(r'data-kpi="([a-z0-9_]+)".*?<p class="kpi-value">([^<]*)<small>', body, re.S)
    return {code: text.strip() for code, text in found}


def shown(value: D | None) -> str:
    """How the dashboard prints a value (floatformat:"-2")."""
    if value is None:
        return "—"
    text = f"{value:.2f}"
    return text[:-3] if text.endswith(".00") else text


def every_place(client, area: str) -> dict[str, dict[str, D | None]]:
    """{indicator: {place: value}} for `area` as one client sees it."""
    seen: dict[str, dict[str, D | None]] = {ind.code: {} for ind in INDICATORS}
    home = client.get("/manage/")
    tiles = tile_values(home.content.decode())
    for fig in home.context["dash"]["figures"]:
        seen[fig.indicator.code]["dashboard"] = fig.value
        assert tiles[fig.indicator.code] == shown(fig.value), fig.indicator.code
    for ind in INDICATORS:
        if area == DISTRICT_CODE:
            page = client.get(f"/manage/overview/{ind.code}/")
            seen[ind.code]["indicator page"] = page.context["district"]["value"]
            for town in page.context["towns"]:
                seen[ind.code][f"indicator page {town['area'].code}"] = town["value"]
        else:
            page = client.get(f"/manage/overview/{ind.code}/{area}/")
            seen[ind.code]["town page"] = page.context["current"].value
    report = client.get(f"/manage/overview/report/?period={PERIOD:%Y-%m}")
    row = next(r for r in report.context["rows"] if r["area"].code == area)
    for ind, (value, _status) in zip(report.context["indicators"], row["cells"], strict=True):
        seen[ind.code]["report"] = value
    sheet = load_workbook(io.BytesIO(client.get("/manage/overview/report/?format=xlsx").content)).active
    xlsx = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == area)
    for ind, cell in zip(INDICATORS, xlsx[2:], strict=True):
        seen[ind.code]["xlsx"] = None if cell is None else D(str(cell)).quantize(D("0.01"))
    for r in client.get("/api/v1/overview/indicators/").json():
        if r["area"] == area:
            seen[r["indicator"]]["api"] = None if r["value"] is None else D(r["value"])
    # The childcare app's own page and API repeat 每千人口托位数 and 普惠托位占比.
    cc = client.get("/manage/childcare/")
    total = cc.context["district"]
    assert total.code == area
    seen["places_per_1000"]["childcare page"] = total.per_thousand
    seen["inclusive_share"]["childcare page"] = total.inclusive_share
    body = cc.content.decode()
    assert f'data-testid="places-per-1000">{total.per_thousand}<' in body
    stats = client.get("/api/v1/childcare/stats/places/").json()["district"]
    seen["places_per_1000"]["childcare api"] = D(stats["per_thousand"])
    seen["inclusive_share"]["childcare api"] = D(stats["inclusive_share"])
    # The eldercare page repeats 80岁以上能力评估覆盖率.
    seen["elder_assessment_coverage"]["eldercare page"] = client.get("/manage/eldercare/").context[
        "coverage_share"
    ]
    # The monitoring visit-rate page repeats 特殊困难老年人月探访率 by town.
    rates = client.get("/manage/monitoring/visits/rates/", {"month": f"{PERIOD:%Y-%m}"}).context["towns"]
    for t in rates:
        # by town: the district's rows are checked against the towns' own figures below
        seen["visit_rate"]["visit page" if t.town_code == area else f"town row {t.town_code}"] = t.rate
    # The coverage page repeats the two service-circle shares.
    for code, layer in (("elder_coverage", "elder_home_care"), ("toddler_coverage", "childcare_15min")):
        page = client.get(f"/manage/facilities/coverage/?layer={layer}")
        seen[code]["coverage page"] = page.context["totals"]["share"]
    return seen


def assert_agree(seen, area):
    expected = fresh(area)
    for code, places in seen.items():
        own = {k: v for k, v in places.items() if not k.startswith(("indicator page ", "town row "))}
        assert set(own.values()) == {expected[code]}, (code, expected[code], own)
    return expected


def test_every_figure_agrees_everywhere_for_the_district(district, staff_client):
    seen = every_place(staff_client, DISTRICT_CODE)
    expected = assert_agree(seen, DISTRICT_CODE)
    # The indicator pages' town rows agree with the towns' own figures.
    for town in (TOWN_A, TOWN_B):
        town_expected = fresh(town)
        for code, places in seen.items():
            assert places[f"indicator page {town}"] == town_expected[code], (code, town)
            if f"town row {town}" in places:
                assert places[f"town row {town}"] == town_expected[code], (code, town)
    # The hand-made district's numbers: 托位 = classes (9 + 15 + 20) + the filed 12 = 56, the planned
    # one not counted; population = 10,000 (A's communities) + 300 (B's register).
    assert expected["places_per_1000"] == indicator_value(D(56), D(10300), 1000) == D("5.44")
    assert expected["inclusive_share"] == indicator_value(D(27), D(56), 100)
    assert expected["elder_beds"] == D("170.00")
    assert expected["elder_assessment_coverage"] == D("0.00")  # 0 of 3 people aged 80+
    assert expected["visit_rate"] == D("33.33")  # 1 of the 3 living alone visited this month


def test_every_figure_agrees_for_a_town_officer_who_sees_their_town_only(district, officer_a_client):
    seen = every_place(officer_a_client, TOWN_A)
    expected = assert_agree(seen, TOWN_A)
    assert expected["places_per_1000"] == D("2.40")  # 24 places ÷ 10,000 people (communities)
    # Nothing of another town on the app overview page, the API or the report.
    body = officer_a_client.get("/manage/childcare/").content.decode()
    assert "钓鱼城街道" not in body and f'data-town="{TOWN_B}"' not in body
    api = officer_a_client.get("/api/v1/childcare/stats/places/").json()
    assert [t["code"] for t in api["towns"]] == [TOWN_A]
    assert {r["area"] for r in officer_a_client.get("/api/v1/overview/indicators/").json()} == {TOWN_A}


def test_the_operator_sees_the_towns_of_their_facilities_only(district, operator, operator_client):
    Facility.objects.get(name="甲托育").operators.add(operator)
    rows = operator_client.get("/manage/childcare/").context["rows"]
    assert [r.code for r in rows] == [TOWN_A]


def test_the_finder_vacancy_is_the_places_definition(district):
    # 托位 are the facility's fields the finder reads: Σ class capacity and Σ enrolled.
    a = Facility.objects.get(name="甲托育")
    assert (a.places_total, a.places_occupied, a.places_vacant) == (24, 1, 23)


def test_docs_indicators_md_is_generated_from_the_definitions(db):
    path = Path(settings.BASE_DIR) / "docs" / "indicators.md"
    assert path.read_text(encoding="utf-8") == markdown(), "run: python manage.py indicators_doc"
    for ind in INDICATORS:
        assert ind.help_text and ind.counts and ind.sources, ind.code


def test_the_dashboard_tile_carries_its_definition(district, staff_client):
    body = staff_client.get("/manage/").content.decode()
    for ind in INDICATORS:
        assert f'data-kpi-def="{ind.code}"' in body
    assert "托位 ÷ 人口 × 1000" in body
    assert ServiceLayer.objects.filter(code="elder_home_care").exists()


def test_typed_places_of_a_facility_with_classes_are_refused(district, officer_a):
    from facilities.services import facility_report_capacity
    from hechuan_portal.common.errors import PortalError

    a = Facility.objects.get(name="甲托育")
    with pytest.raises(PortalError) as exc:
        facility_report_capacity(actor=officer_a, facility=a, data={"places_total": 90})
    assert (exc.value.code, exc.value.field) == ("places_from_classes", "places_total")
    # Confirming the same figures (a capacity report) is fine; so is typing a filed capacity.
    facility_report_capacity(
        actor=officer_a, facility=a, data={"places_total": 24, "opening_hours": "8:00–17:00"}
    )
    filed = Facility.objects.get(name="乙托育点")
    facility_report_capacity(actor=SYSTEM, facility=filed, data={"places_total": 15})
    filed.refresh_from_db()
    a.refresh_from_db()
    assert (a.places_total, filed.places_total) == (24, 15)
