"""Allowance pages and exports: roles, scope, audit, exact export columns, query counts."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from conftest import run_export
from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common import crypto
from subsidies import selectors
from subsidies.models import AllowanceDecision, AllowanceGrant, AllowancePolicy, PayrollPeriod
from subsidies.services import payroll_export

from .conftest import D, close, grant_of, match, paid, person

pytestmark = pytest.mark.django_db
TOWN_A, TOWN_B = "500117001000", "500117002000"


@pytest.fixture
def rolled():
    """Two recipients (towns A and B), January closed, a late one with arrears in February."""
    a = person(D(1940, 1, 1), name="甲", hukou_code=TOWN_A)
    b = person(D(1930, 6, 1), name="乙", hukou_code=TOWN_B)
    match(D(2027, 1, 1))
    close(D(2027, 1, 1))
    late = person(D(1945, 3, 1), name="=丙", hukou_code=TOWN_A)
    match(D(2027, 2, 1))
    return a, b, late


def test_payroll_export_csv_has_the_exact_columns(rolled, tmp_path):
    a, _b, late = rolled
    out = tmp_path / "roll.csv"
    assert payroll_export(actor=SYSTEM, month=D(2027, 2, 1), output=out) == 4
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == ["身份证号", "姓名", "户籍地区划代码", "月份", "档次", "金额", "类型"]
    number_a, number_late = crypto.decrypt(a.id_cipher), crypto.decrypt(late.id_cipher)
    assert [number_a, "甲", TOWN_A, "2027-02", "80—89周岁", "50.00", "正常"] in rows
    assert [number_late, "'=丙", TOWN_A, "2027-01", "80—89周岁", "50.00", "补发"] in rows
    assert [number_late, "'=丙", TOWN_A, "2027-02", "80—89周岁", "50.00", "正常"] in rows


def test_payroll_export_command_xlsx_and_audit(rolled, tmp_path):
    out = tmp_path / "roll.xlsx"
    call_command("export_payroll", "--period", "2027-02", "--output", str(out))
    sheet = load_workbook(out).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0].startswith("合川区高龄津贴发放名册 2027-02（草稿）")
    assert values[1] == ("身份证号", "姓名", "户籍地区划代码", "月份", "档次", "金额", "类型")
    assert len(values) == 2 + 4 + 1  # title, header, four lines, total
    event = AuditEvent.objects.get(action="export")
    assert event.changes == {"month": "2027-02", "rows": 4, "format": "xlsx"}
    with pytest.raises(CommandError):
        call_command("export_payroll", "--period", "2030-01", "--output", str(out))


def test_payroll_export_page_is_district_only(
    rolled, staff_client, officer_a_client, celery_eager, django_capture_on_commit_callbacks
):
    assert officer_a_client.get("/manage/subsidies/payroll/2027-02/export/").status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
    job = run_export(
        staff_client,
        "/manage/subsidies/payroll/2027-02/export/?format=csv",
        django_capture_on_commit_callbacks,
    )
    response = staff_client.get(f"{job}file/")
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0] == "身份证号,姓名,户籍地区划代码,月份,档次,金额,类型"
    assert AuditEvent.objects.get(action="export").actor_username == "staff_a"


def test_close_payroll_by_button_only_for_the_admin(rolled, staff_client, admin_client_):
    refused = staff_client.post("/manage/subsidies/payroll/2027-02/close/", {"confirm": "yes"})
    assert refused.status_code == 403
    # the refusal says who holds the right
    assert "“区级管理员”" in refused.content.decode()
    assert PayrollPeriod.objects.get(month=D(2027, 2, 1)).status == "draft"
    detail = staff_client.get("/manage/subsidies/payroll/2027-02/").content.decode()
    assert "关闭名册（冻结）" not in detail and "关闭名册由“区级管理员”办理" in detail
    response = admin_client_.post("/manage/subsidies/payroll/2027-02/close/", {"confirm": "yes"})
    assert response.status_code == 302
    period = PayrollPeriod.objects.get(month=D(2027, 2, 1))
    assert (period.status, period.line_count, period.total_amount) == ("closed", 4, Decimal("250.00"))


def test_close_payroll_asks_for_confirmation_with_a_summary(rolled, admin_client_):
    url = "/manage/subsidies/payroll/2027-02/close/"
    detail = admin_client_.get("/manage/subsidies/payroll/2027-02/").content.decode()
    assert f'href="{url}"' in detail  # the button leads to the summary, it does not close
    page = admin_client_.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "确认关闭2027年2月发放名册" in html
    assert page.context["summary"] == {
        "lines": 4,
        "people": 3,
        "towns": 2,
        "normal": Decimal("200.00"),
        "arrears": Decimal("50.00"),
        "arrears_lines": 1,
        "total": Decimal("250.00"),
    }
    assert "¥250.00" in html and "¥50.00" in html and 'name="confirm" value="yes"' in html
    # a POST without the confirmation only shows the summary again; nothing is frozen
    assert admin_client_.post(url).status_code == 200
    assert PayrollPeriod.objects.get(month=D(2027, 2, 1)).status == "draft"
    done = admin_client_.post(url, {"confirm": "yes"}, follow=True)
    assert PayrollPeriod.objects.get(month=D(2027, 2, 1)).status == "closed"
    assert "2027年2月发放名册已关闭并冻结：4 人次，合计 ¥250.00。" in done.content.decode()


def test_close_payroll_command_twice_fails(rolled):
    call_command("close_payroll", "--period", "2027-02")
    with pytest.raises(CommandError, match="已关闭"):
        call_command("close_payroll", "--period", "2027-02")


def test_overpayments_page_per_town_and_export(rolled, officer_b_client, staff_client, tmp_path):
    _a, b, _late = rolled
    close(D(2027, 2, 1))
    type(b).objects.filter(pk=b.pk).update(status="deceased", death_date=D(2027, 1, 3))
    match(D(2027, 3, 1))
    response = officer_b_client.get("/manage/subsidies/overpayments/")
    towns = list(response.context["towns"])
    assert [(t["town_id"], t["n"], t["open"]) for t in towns] == [(TOWN_B, 1, Decimal("100.00"))]
    assert officer_b_client.get("/manage/subsidies/overpayments/export/").status_code == 403
    out = tmp_path / "over.csv"
    call_command("export_overpayments", "--output", str(out))
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows == [
        ["身份证号", "姓名", "镇街", "月份", "金额", "原因", "状态"],
        [b.id_masked, "乙", "钓鱼城街道", "2027-02", "100.00", "死亡后发放", "待追回"],
    ]


def test_person_history_scope_and_review_queue(rolled, officer_a_client, officer_b_client, officer_a):
    a, _b, _late = rolled
    assert officer_b_client.get(f"/manage/subsidies/people/{a.pk}/").status_code == 404
    response = officer_a_client.get(f"/manage/subsidies/people/{a.pk}/")
    assert response.status_code == 200 and [d.kind for d in response.context["decisions"]] == ["grant"]
    officer_a_client.post(f"/manage/subsidies/people/{a.pk}/review/", {"note": "家属称档次有误"})
    assert grant_of(a).review_status == "requested"
    queue = officer_a_client.get("/manage/subsidies/reviews/").context["queue"]
    assert [g.resident_id for g in queue] == [a.pk]
    assert [g.resident_id for g in officer_b_client.get("/manage/subsidies/reviews/").context["queue"]] == []


def test_manual_decision_by_page(rolled, admin_client_, staff_client):
    a, _b, _late = rolled
    data = {"status": "active", "tier_code": "90-99", "tier_label": "90—99周岁", "monthly_amount": "100",
            "start_month": "2027-01", "note": "出生日期经核实更正"}  # fmt: skip
    assert staff_client.post(f"/manage/subsidies/people/{a.pk}/decide/", data).status_code == 403
    assert grant_of(a).manual is False
    admin_client_.post(f"/manage/subsidies/people/{a.pk}/decide/", data)
    g = grant_of(a)
    assert (g.manual, g.tier_code, g.monthly_amount) == (True, "90-99", Decimal("100.00"))
    match(D(2027, 2, 2))
    assert grant_of(a).tier_code == "90-99"
    assert paid(a) == [("2027-01", "50.00", "normal"), ("2027-02", "100.00", "normal")]
    assert AllowanceDecision.objects.filter(resident=a, kind="manual").count() == 1


def test_policy_edit_and_simulation(admin_client_, staff_client):
    person(D(1940, 1, 1))
    person(D(1946, 6, 1))  # 80 from 2026-07
    data = {
        "name": "2027年标准", "effective_from": "2027-07", "note": "",
        "tiers-TOTAL_FORMS": "1", "tiers-INITIAL_FORMS": "0", "tiers-MIN_NUM_FORMS": "0", "tiers-MAX_NUM_FORMS": "1000",
        "tiers-0-code": "80-89", "tiers-0-label": "80—89周岁", "tiers-0-min_age": "80", "tiers-0-max_age": "89",
        "tiers-0-category": "", "tiers-0-monthly_amount": "80",
    }  # fmt: skip
    assert staff_client.post("/manage/subsidies/policies/new/", data).status_code == 403
    assert admin_client_.post("/manage/subsidies/policies/new/", data).status_code == 302
    assert AllowancePolicy.objects.get(effective_from=D(2027, 7, 1)).tiers.get().monthly_amount == Decimal(
        "80.00"
    )
    response = staff_client.get(
        "/manage/subsidies/simulate/", {"tier_code": "80-89", "amount": "60", "start": "2026-01"}
    )
    result = response.context["result"]
    assert [r["people"] for r in result["rows"][:8]] == [1, 1, 1, 1, 1, 1, 2, 2]
    assert result["people"] == 2
    assert (result["monthly_current"], result["monthly_simulated"]) == (Decimal("50.00"), Decimal("60"))
    assert (
        result["yearly_current"] == Decimal("50.00") * 18 and result["yearly_simulated"] == Decimal("60") * 18
    )
    assert AllowanceGrant.objects.count() == 0  # nothing written


def test_run_now_button_queues_the_task(
    admin_client_, staff_client, django_capture_on_commit_callbacks, celery_eager
):
    person(D(1940, 1, 1))
    assert staff_client.post("/manage/subsidies/runs/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post("/manage/subsidies/runs/")
    runs = admin_client_.get("/manage/subsidies/runs/").context["page"].object_list
    assert [(r.status, r.trigger) for r in runs] == [("succeeded", "manage")]


def test_dashboard_per_town(rolled, officer_a_client, staff_client):
    data = officer_a_client.get("/manage/subsidies/").context["data"]
    assert [r["town"].code for r in data["rows"]] == [TOWN_A]
    assert (data["totals"]["recipients"], data["tiers"], data["rows"][0]["tier_counts"]) == (
        2,
        ["80—89周岁"],
        [2],
    )
    full = staff_client.get("/manage/subsidies/").context["data"]
    assert len(full["rows"]) == 30 and full["totals"]["recipients"] == 3


def test_dashboard_counts_a_months_match_decisions_from_local_midnight(rolled, district_staff, officer_a):
    """New and stopped are the month's match decisions by the district's clock (Asia/Shanghai,
    UTC+8), read through the partial index; a manual decision (no run) does not count."""
    a, b, late = rolled
    grants = AllowanceDecision.objects.filter(run__isnull=False, kind="grant")
    at = {a: (2027, 1, 31, 16, 0, 0), b: (2027, 1, 31, 15, 59, 59), late: (2027, 2, 28, 15, 59, 59)}
    for resident, moment in at.items():  # Feb 1 00:00:00, Jan 31 23:59:59, Feb 28 23:59:59 local
        grants.filter(resident=resident).update(decided_at=dt.datetime(*moment, tzinfo=dt.UTC))
    manual = AllowanceDecision.objects.create(
        grant=grant_of(b), resident=b, kind="terminate", old_status="active", new_status="terminated"
    )
    manual_qs = AllowanceDecision.objects.filter(pk=manual.pk)
    manual_qs.update(decided_at=dt.datetime(2027, 2, 10, tzinfo=dt.UTC))

    def new_and_stopped(user, month):
        data = selectors.dashboard(user=user, month=month)
        return {r["town"].code: (r["new"], r["stopped"]) for r in data["rows"] if r["new"] or r["stopped"]}

    assert new_and_stopped(district_staff, D(2027, 2, 1)) == {TOWN_A: (2, 0)}
    assert new_and_stopped(district_staff, D(2027, 1, 1)) == {TOWN_B: (1, 0)}
    assert new_and_stopped(officer_a, D(2027, 1, 1)) == {}
    manual_qs.update(run=grants.filter(resident=late).values("run")[:1])  # as if the match decided it
    assert new_and_stopped(district_staff, D(2027, 2, 1)) == {TOWN_A: (2, 0), TOWN_B: (0, 1)}


@pytest.mark.parametrize("url", ["/manage/subsidies/", "/manage/subsidies/runs/", "/manage/subsidies/payroll/",
                                 "/manage/subsidies/overpayments/", "/manage/subsidies/reviews/"])  # fmt: skip
def test_list_pages_query_count_does_not_grow(url, staff_client, django_assert_max_num_queries):
    person(D(1940, 1, 1))
    match(D(2027, 1, 1))
    close(D(2027, 1, 1))
    with django_assert_max_num_queries(20) as one:
        staff_client.get(url)
    for i in range(15):
        p = person(D(1930 + i, 1, 1))
        AllowanceGrant.objects.filter(resident=p).update(review_status="requested")
    match(D(2027, 2, 1))
    close(D(2027, 2, 1))
    AllowanceGrant.objects.update(
        review_status="requested", review_requested_at=dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        staff_client.get(url)


@pytest.mark.parametrize("client_name", ["operator_client", "auditor_client"])
def test_other_roles_see_nothing(request, client_name):
    client = request.getfixturevalue(client_name)
    for url in ("/manage/subsidies/", "/manage/subsidies/overpayments/", "/manage/subsidies/payroll/"):
        assert client.get(url).status_code == 403
