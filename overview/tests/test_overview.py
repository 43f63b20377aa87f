import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from openpyxl import load_workbook

from conftest import TOWN_A, TOWN_B
from facilities.models import Facility, FacilityKind, FacilityStatus
from hechuan_portal.accounts.models import AuditAction, AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.areas.models import DISTRICT_CODE
from hechuan_portal.common import crypto, idcard
from hechuan_portal.residents.models import Resident
from hechuan_portal.residents.services import town_population_refresh
from overview.indicators import INDICATORS
from overview.models import IndicatorSnapshot
from overview.services import snapshot_refresh

pytestmark = pytest.mark.django_db

PERIOD = timezone.localdate().replace(day=1)


def facility(name, town, kind, status=FacilityStatus.OPERATING, **numbers):
    return Facility.objects.create(
        name=name, kind=kind, town_id=town, status=status, location=Point(106.27, 29.99, srid=4326), **numbers
    )


def residents(town, count, start=0):
    rows = []
    for i in range(start, start + count):
        first17 = f"50011719500101{i:03d}"
        number = first17 + idcard.check_char(first17)
        rows.append(
            Resident(
                id_cipher=crypto.encrypt(number),
                id_index=crypto.blind_index(number),
                id_masked=idcard.mask(number),
                name=f"居民{i}",
                gender="M" if i % 2 else "F",
                birth_date=dt.date(1950, 1, 1),
                hukou_code=town,
                town_id=town,
                extract_date=dt.date(2026, 1, 1),
            )
        )
    Resident.objects.bulk_create(rows)
    town_population_refresh(actor=SYSTEM)  # as every household import does


@pytest.fixture
def layout():
    """Town A: 2 nursing homes (100 beds, 60 nursing, 80 used; 50 beds, 10 nursing, 20 used) and a
    nursery with 30 places (20 普惠); 4,000 residents. Town B: one nursery of 10 places, 1,000
    residents, and a planned nursing home that must not count."""
    facility("甲敬老院", TOWN_A, FacilityKind.NURSING_HOME, beds_total=100, beds_nursing=60, beds_occupied=80)
    facility("乙养老院", TOWN_A, FacilityKind.NURSING_HOME, beds_total=50, beds_nursing=10, beds_occupied=20)
    facility("甲托育", TOWN_A, FacilityKind.NURSERY, places_total=30, places_inclusive=20)
    facility("乙托育", TOWN_B, FacilityKind.NURSERY, places_total=10, places_inclusive=0)
    facility("筹建养老院", TOWN_B, FacilityKind.NURSING_HOME, status=FacilityStatus.PLANNED, beds_total=500)
    residents(TOWN_A, 400)
    residents(TOWN_B, 100, start=400)


def values(area):
    return {s.indicator: s.value for s in IndicatorSnapshot.objects.filter(period=PERIOD, area_id=area)}


def test_indicators_on_a_hand_made_layout(layout):
    snapshot_refresh(period=PERIOD, actor=SYSTEM)
    a, b, district = values(TOWN_A), values(TOWN_B), values(DISTRICT_CODE)
    assert a["facilities_operating"] == D("3.00") and b["facilities_operating"] == D("1.00")
    assert district["facilities_operating"] == D("4.00")
    assert a["elder_beds"] == D("150.00") and b["elder_beds"] == D("0.00")
    assert a["bed_occupancy"] == D("66.67")  # 100 / 150
    assert a["nursing_bed_share"] == D("46.67")  # 70 / 150
    assert b["bed_occupancy"] is None  # no beds: the ratio is undefined, not zero
    assert a["places_per_1000"] == D("75.00")  # 30 / 400 × 1000
    assert b["places_per_1000"] == D("100.00")  # 10 / 100 × 1000
    assert district["places_per_1000"] == D("80.00")  # 40 / 500 × 1000
    assert a["inclusive_share"] == D("66.67") and district["inclusive_share"] == D("50.00")


def test_snapshot_is_idempotent(layout):
    first = snapshot_refresh(period=PERIOD, actor=SYSTEM)
    rows = IndicatorSnapshot.objects.count()
    second = snapshot_refresh(period=PERIOD, actor=SYSTEM)
    assert first == second == rows == IndicatorSnapshot.objects.count()
    assert rows % 31 == 0  # every indicator for 30 towns and the district


def test_snapshot_task_runs_through_celery_eagerly(layout, settings):
    from overview.tasks import snapshot_current_month

    assert snapshot_current_month.apply().get() == IndicatorSnapshot.objects.filter(period=PERIOD).count()


def test_district_dashboard_shows_the_figures(layout, staff_client):
    body = staff_client.get("/manage/").content.decode()
    assert '<span lang="zh-Hans">合川区</span> · ' in body and "每千人口托位数" in body and "80" in body


def test_officer_sees_only_their_town(layout, officer_b_client):
    body = officer_b_client.get("/manage/").content.decode()
    assert '<span lang="zh-Hans">钓鱼城街道</span> · ' in body
    # The all-town page sends an officer to their own town; another town is a 404.
    response = officer_b_client.get("/manage/overview/places_per_1000/")
    assert response.status_code == 302 and response["Location"].endswith(f"/places_per_1000/{TOWN_B}/")
    assert officer_b_client.get(f"/manage/overview/places_per_1000/{TOWN_A}/").status_code == 404
    assert officer_b_client.get(f"/manage/overview/places_per_1000/{TOWN_B}/").status_code == 200


def test_officer_api_and_export_hold_only_their_town(layout, officer_b_client):
    rows = officer_b_client.get("/api/v1/overview/indicators/").json()
    assert {r["area"] for r in rows} == {TOWN_B}
    assert {r["indicator"]: r["value"] for r in rows}["places_per_1000"] == "100.00"
    response = officer_b_client.get("/manage/overview/report/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert codes == [TOWN_B]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="overview.report").count() == 1


def test_operator_and_auditor_have_no_overview(layout, operator_client, auditor_client):
    for client in (operator_client, auditor_client):
        assert client.get("/manage/overview/elder_beds/").status_code == 404
        assert client.get("/manage/overview/report/").status_code == 404
        assert "主要指标" not in client.get("/manage/").content.decode()
    # The API: the operator has no overview (404); the auditor no API at all (403).
    assert operator_client.get("/api/v1/overview/indicators/").status_code == 404
    assert auditor_client.get("/api/v1/overview/indicators/").status_code == 403


def test_district_report_lists_the_district_first(layout, staff_client):
    body = staff_client.get(f"/manage/overview/report/?period={PERIOD:%Y-%m}").content.decode()
    assert body.index("合川区") < body.index("合阳城街道") < body.index("钓鱼城街道")


def test_past_month_without_snapshot_is_not_filled_with_todays_figures(layout, staff_client):
    staff_client.get("/manage/overview/report/?period=2020-01")
    assert not IndicatorSnapshot.objects.filter(period=dt.date(2020, 1, 1)).exists()


def test_dashboard_query_count_does_not_grow_with_facilities(staff_client, django_assert_max_num_queries):
    facility("一号", TOWN_A, FacilityKind.DAY_CARE, beds_total=10)
    snapshot_refresh(period=PERIOD, actor=SYSTEM)
    with django_assert_max_num_queries(20) as small:
        staff_client.get("/manage/")
    for i in range(60):
        facility(f"多{i}", TOWN_A if i % 2 else TOWN_B, FacilityKind.DAY_CARE, beds_total=10)
    snapshot_refresh(period=PERIOD, actor=SYSTEM)
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get("/manage/")


def test_monthly_report_task_keeps_the_file(layout, settings, tmp_path):
    from overview.models import MonthlyReport
    from overview.tasks import generate_monthly_report

    settings.MEDIA_ROOT = tmp_path
    snapshot_refresh(period=PERIOD, actor=SYSTEM)
    name = generate_monthly_report.apply(args=[f"{PERIOD:%Y-%m}"]).get()
    report = MonthlyReport.objects.get(period=PERIOD)
    assert report.file.name == name
    rows = list(load_workbook(report.file.path).active.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 31 and rows[0][0] == DISTRICT_CODE


def test_indicators_are_a_plain_tuple_with_unique_codes():
    from overview.indicators import INDICATORS, by_code

    codes = [i.code for i in INDICATORS]
    assert len(codes) == len(set(codes)) == 16
    assert by_code("visit_rate") is INDICATORS[-1] and by_code("nothing") is None


def test_selectors_never_write_the_view_builds_the_missing_snapshot(layout, district_staff, staff_client):
    from overview import selectors

    data = selectors.dashboard(user=district_staff, period=PERIOD)
    assert not IndicatorSnapshot.objects.exists()
    assert all(f.value is None for f in data["figures"])
    staff_client.get("/manage/")
    assert IndicatorSnapshot.objects.filter(period=PERIOD).count() == len(INDICATORS) * 31


def test_only_district_roles_and_system_refresh_the_snapshot(layout, officer_a, district_staff):
    from hechuan_portal.common.errors import PortalError

    with pytest.raises(PortalError) as exc:
        snapshot_refresh(period=PERIOD, actor=officer_a)
    assert (exc.value.code, exc.value.status) == ("not_allowed", 403)
    assert not IndicatorSnapshot.objects.exists()
    assert snapshot_refresh(period=PERIOD, actor=district_staff) == len(INDICATORS) * 31


def test_a_month_without_data_says_so_on_the_page_and_in_the_kept_file(staff_client, settings, tmp_path):
    from overview.models import MonthlyReport
    from overview.tasks import generate_monthly_report

    settings.MEDIA_ROOT = tmp_path
    body = staff_client.get("/manage/overview/report/?period=2020-01").content.decode()
    assert "该月份没有指标数据" in body
    generate_monthly_report.apply(args=["2020-01"]).get()
    sheet = load_workbook(MonthlyReport.objects.get(period=dt.date(2020, 1, 1)).file.path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0].startswith("该月份没有指标数据") and len(rows) == 3
    assert rows[0][0] == "合川区“一老一幼”服务月度报表（2020年1月）"  # the month as the language writes it
    response = staff_client.get("/manage/overview/report/?period=2020-01&format=xlsx")
    assert "该月份没有指标数据" in load_workbook(io.BytesIO(response.content)).active["A3"].value
