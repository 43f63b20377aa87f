"""Spreadsheet import (page and command) and export: bad rows, encodings, re-import, formula guard."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from facilities.models import Facility, FacilityKind, FacilityStatus, FacilityStatusChange
from facilities.services import facilities_import
from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM

from .factories import TOWN_A, TOWN_B, FacilityFactory

# Preview and import tasks run in the test's process (the root conftest's `celery_eager`).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]

HEADER = [
    "名称",
    "类型",
    "镇街代码",
    "经度",
    "纬度",
    "地址",
    "电话",
    "床位总数",
    "已用床位",
    "托位总数",
    "营业时间",
    "运营主体",
]
GOOD = [
    [
        "滨江老年食堂",
        "老年食堂",
        TOWN_A,
        "106.270",
        "29.990",
        "滨江路1号",
        "023-42750001",
        "",
        "",
        "",
        "11:00-13:00",
        "合川康养",
    ],
    ["钓鱼城敬老院", "nursing_home", "500117002", "106.300", "30.010", "", "", "80", "60", "", "", ""],
    ["学府托育", "托育机构", TOWN_A, "106.260", "29.985", "", "", "", "", "40", "", ""],
]


def csv_bytes(rows, encoding="utf-8", header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def write(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_command_imports_a_good_utf8_file_and_reimport_updates(tmp_path):
    path = write(tmp_path, "a.csv", csv_bytes(GOOD))
    out = io.StringIO()
    call_command("import_facilities", path, stdout=out)
    assert "新增 3，更新 0" in out.getvalue()
    canteen = Facility.objects.get(name="滨江老年食堂")
    assert (canteen.kind, canteen.town_id, canteen.status) == (
        FacilityKind.ELDER_CANTEEN,
        TOWN_A,
        FacilityStatus.OPERATING,
    )
    assert (round(canteen.location.x, 3), round(canteen.location.y, 3)) == (106.27, 29.99)
    home = Facility.objects.get(name="钓鱼城敬老院")
    assert (home.town_id, home.beds_total, home.beds_occupied) == (TOWN_B, 80, 60)
    assert home.capacity_reported_at is not None
    assert FacilityStatusChange.objects.filter(from_status="", to_status="operating").count() == 3

    changed = [list(r) for r in GOOD]
    changed[1][8] = "70"
    path2 = write(tmp_path, "b.csv", csv_bytes(changed))
    out = io.StringIO()
    call_command("import_facilities", path2, stdout=out)
    assert "新增 0，更新 1，无变化 2" in out.getvalue()
    assert Facility.objects.count() == 3
    assert Facility.objects.get(name="钓鱼城敬老院").beds_occupied == 70
    assert FacilityStatusChange.objects.count() == 3


def test_gbk_and_bom_csv_and_xlsx_are_read(tmp_path):
    call_command(
        "import_facilities", write(tmp_path, "gbk.csv", csv_bytes(GOOD[:1], "gbk")), stdout=io.StringIO()
    )
    call_command(
        "import_facilities",
        write(tmp_path, "bom.csv", csv_bytes(GOOD[1:2], "utf-8-sig")),
        stdout=io.StringIO(),
    )
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    row = list(GOOD[2])
    row[3], row[4] = 106.26, 29.985  # numbers, as Excel stores them
    sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    call_command("import_facilities", write(tmp_path, "c.xlsx", buffer.getvalue()), stdout=io.StringIO())
    assert sorted(Facility.objects.values_list("name", flat=True)) == sorted(
        ["滨江老年食堂", "钓鱼城敬老院", "学府托育"]
    )


BAD = [
    GOOD[0],
    ["", "老年食堂", TOWN_A, "106.27", "29.99", "", "", "", "", "", "", ""],  # line 3: no name
    ["坏类型", "游泳馆", TOWN_A, "106.27", "29.99", "", "", "", "", "", "", ""],  # line 4
    ["坏镇街", "老年食堂", "500117999000", "106.27", "29.99", "", "", "", "", "", "", ""],  # line 5
    ["北京", "老年食堂", TOWN_A, "116.40", "39.90", "", "", "", "", "", "", ""],  # line 6
    ["坏床位", "nursing_home", TOWN_A, "106.27", "29.99", "", "", "10", "11", "", "", ""],  # line 7
    [
        "滨江老年食堂",
        "老年食堂",
        TOWN_A,
        "106.27",
        "29.99",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],  # line 8: duplicate of 2
    ["非数字", "老年食堂", TOWN_A, "东经", "29.99", "", "", "", "", "", "", ""],  # line 9
]


def test_bad_rows_write_nothing_and_every_error_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, "bad.csv", csv_bytes(BAD))
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_facilities", path, stdout=io.StringIO(), stderr=err)
    assert "未写入任何数据" in str(exc.value)
    assert Facility.objects.count() == 0
    lines = err.getvalue().splitlines()
    reported = sorted({int(line.split(" ")[1]) for line in lines})
    assert reported == [3, 4, 5, 6, 7, 8, 9]
    text = err.getvalue()
    assert "第 4 行［类型］: 类型“游泳馆”无法识别" in text
    assert "第 5 行［镇街代码］: 镇街代码“500117999000”不存在" in text
    assert "不在合川区范围内" in text
    assert "已用床位不能多于床位总数" in text
    assert "与第 2 行重复" in text
    assert "第 9 行［经度/纬度］" in text


def test_skip_invalid_writes_the_good_rows(tmp_path):
    path = write(tmp_path, "bad.csv", csv_bytes(BAD))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_facilities", path, "--skip-invalid", stdout=out, stderr=err)
    assert list(Facility.objects.values_list("name", flat=True)) == ["滨江老年食堂"]
    assert "跳过错误" in out.getvalue()


def test_missing_required_columns_and_unreadable_files(tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "import_facilities",
            write(tmp_path, "x.csv", csv_bytes([], header=["名称", "类型"])),
            stderr=io.StringIO(),
        )
    with pytest.raises(CommandError):
        call_command(
            "import_facilities",
            write(tmp_path, "x.xls", b"\xd0\xcf\x11\xe0\x00\x00binary"),
            stderr=io.StringIO(),
        )
    with pytest.raises(CommandError):
        call_command("import_facilities", str(tmp_path / "missing.csv"))
    assert Facility.objects.count() == 0


def test_officer_import_is_limited_to_their_town(officer_a):
    report = facilities_import(actor=officer_a, source=io.BytesIO(csv_bytes(GOOD)), dry_run=False)
    assert not report.written
    assert [(line, column) for line, column, _ in report.errors] == [(3, "镇街代码")]
    assert "不在您的管辖范围内" in report.errors[0][2][0]
    assert Facility.objects.count() == 0


def _upload(client, content: bytes, name: str, callbacks):
    upload = io.BytesIO(content)
    upload.name = name
    with callbacks(execute=True):  # the preview task runs (eagerly) once the request commits
        response = client.post("/manage/facilities/import/", {"file": upload})
    assert response.status_code == 302
    return response["Location"]


def test_import_page_previews_in_a_task_then_confirms(
    officer_a_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    page = _upload(
        officer_a_client,
        csv_bytes([GOOD[0], GOOD[2]], "gbk"),
        "registry.csv",
        django_capture_on_commit_callbacks,
    )
    assert page.startswith("/manage/facilities/import/")
    response = officer_a_client.get(page)
    body = response.content.decode()
    assert "预览：全部行均有效" in body and 'name="confirm"' in body
    assert Facility.objects.count() == 0
    stored = list((tmp_path / "imports" / "facilities").iterdir())
    assert len(stored) == 1  # kept until confirmed (or an hour)
    # Progress fragment for the page's polling.
    fragment = officer_a_client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-job"' in fragment and "hx-get" not in fragment
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_a_client.post(page, {"confirm": "1"})
    assert response.status_code == 302
    assert sorted(Facility.objects.values_list("name", flat=True)) == sorted(["滨江老年食堂", "学府托育"])
    assert AuditEvent.objects.filter(action="import").count() == 1
    assert "导入完成：新增 2 个" in officer_a_client.get(page).content.decode()
    assert list((tmp_path / "imports" / "facilities").iterdir()) == []  # the upload is gone
    # A second confirmation does nothing.
    with django_capture_on_commit_callbacks(execute=True):
        officer_a_client.post(page, {"confirm": "1"})
    assert Facility.objects.count() == 2 and AuditEvent.objects.filter(action="import").count() == 1


def test_import_job_is_its_uploaders_only(
    officer_a_client, staff_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    page = _upload(officer_a_client, csv_bytes([GOOD[0]]), "r.csv", django_capture_on_commit_callbacks)
    assert staff_client.get(page).status_code == 404
    assert staff_client.post(page, {"confirm": "1"}).status_code == 404
    assert staff_client.get("/manage/facilities/import/0123456789abcdef/").status_code == 404


def test_import_page_shows_every_bad_row_and_offers_no_confirm(
    staff_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    page = _upload(staff_client, csv_bytes(BAD), "bad.csv", django_capture_on_commit_callbacks)
    body = staff_client.get(page).content.decode()
    assert "发现 7 处错误，未写入任何数据" in body
    for line in (3, 4, 5, 6, 7, 8, 9):
        assert f"第 {line} 行" in body
    assert 'name="confirm"' not in body
    assert Facility.objects.count() == 0
    assert list((tmp_path / "imports" / "facilities").iterdir()) == []  # nothing to confirm: removed


def test_operator_and_auditor_cannot_import(operator_client, auditor_client):
    assert operator_client.get("/manage/facilities/import/").status_code == 403
    assert auditor_client.get("/manage/facilities/import/").status_code == 403


def test_export_csv_bom_gbk_xlsx_with_formula_guard(staff_client):
    FacilityFactory(name="=HYPERLINK(1)", address="+danger", beds_total=10, beds_occupied=2)
    FacilityFactory(name="钓鱼城托育", kind=FacilityKind.NURSERY, town_id=TOWN_B)
    response = staff_client.get("/manage/facilities/export/", {"format": "csv", "town": TOWN_A})
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["名称", "类型", "镇街代码", "镇街", "村社区代码"]
    assert len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert "'+danger" in rows[1]
    gbk = staff_client.get("/manage/facilities/export/", {"format": "csv_gbk"})
    assert "钓鱼城托育" in gbk.content.decode("gb18030")
    xlsx = staff_client.get("/manage/facilities/export/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3
    assert AuditEvent.objects.filter(action="export").count() == 3


def test_exported_file_imports_back_without_changes(staff_client, tmp_path):
    FacilityFactory(name="往返测试", beds_total=10, beds_occupied=2)
    response = staff_client.get("/manage/facilities/export/", {"format": "csv"})
    out = io.StringIO()
    call_command("import_facilities", write(tmp_path, "round.csv", response.content), stdout=out)
    assert "新增 0，更新 0，无变化 1" in out.getvalue()


def test_chinese_kind_names_are_read_whatever_the_page_language(tmp_path):
    from django.utils import translation

    with translation.override("en"):
        report = facilities_import(actor=SYSTEM, source=io.BytesIO(csv_bytes(GOOD[:1])), dry_run=False)
    assert report.written and report.created == 1
    assert Facility.objects.get().kind == FacilityKind.ELDER_CANTEEN


def test_exports_use_chinese_names_in_any_language(staff_client):
    FacilityFactory(name="语言测试", kind=FacilityKind.ELDER_CANTEEN)
    from django.utils import translation

    staff_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        response = staff_client.get("/manage/facilities/export/", {"format": "csv"})
    finally:
        translation.activate("zh-hans")  # the request left English active in this thread
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["语言测试", "老年食堂"]


# -- set-based import (importer.py) -----------------------------------------------------------------


def test_parse_row_is_pure_and_names_every_bad_column():
    from facilities.importer import parse_row

    row = dict(zip(HEADER, GOOD[1], strict=True))
    parsed, problems = parse_row(3, row)
    assert problems == [] and parsed[:7] == (3, "钓鱼城敬老院", "nursing_home", TOWN_B, None, 106.3, 30.01)
    bad = {**row, "名称": " ", "类型": "游泳馆", "床位总数": "1.5", "纬度": "", "电话": "1" * 40}
    parsed, problems = parse_row(4, bad)
    assert parsed is None
    assert sorted(p.column for p in problems) == sorted(["名称", "类型", "床位总数", "经度/纬度", "电话"])
    assert all(p.line == 4 for p in problems)


def test_a_facility_with_classes_keeps_the_places_of_its_classes(tmp_path):
    from childcare.services import class_create
    from facilities.error_codes import ErrorCode

    nursery = FacilityFactory(name="学府托育", kind=FacilityKind.NURSERY)
    class_create(actor=SYSTEM, facility=nursery, name="乳儿班", class_type="infant", capacity=9, caregivers=3)
    nursery.refresh_from_db()
    assert nursery.places_total == 9
    typed = [["学府托育", "托育机构", TOWN_A, "106.266", "29.991", "", "", "", "", "40", "", "新运营方"]]
    report = facilities_import(actor=SYSTEM, source=io.BytesIO(csv_bytes(typed)), dry_run=False)
    assert not report.written
    assert report.errors == [(2, "托位总数", [str(ErrorCode.PLACES_FROM_CLASSES.label)])]
    nursery.refresh_from_db()
    assert (nursery.places_total, nursery.operator_name) == (9, "")
    # The same figure as its classes (an export coming back) is no overwrite: the row imports.
    typed[0][9] = "9"
    report = facilities_import(actor=SYSTEM, source=io.BytesIO(csv_bytes(typed)), dry_run=False)
    assert report.written and report.updated == 1 and report.errors == []
    nursery.refresh_from_db()
    assert (nursery.places_total, nursery.operator_name) == (9, "新运营方")
    # A file without the 托位 columns leaves them alone.
    header = [c for c in HEADER if c != "托位总数"]
    rows = [[v for c, v in zip(HEADER, typed[0], strict=True) if c != "托位总数"]]
    rows[0][-1] = "另一运营方"
    report = facilities_import(actor=SYSTEM, source=io.BytesIO(csv_bytes(rows, header=header)), dry_run=False)
    assert report.written and report.updated == 1
    nursery.refresh_from_db()
    assert (nursery.places_total, nursery.operator_name) == (9, "另一运营方")


def test_absent_columns_keep_current_values_and_merged_figures_are_checked():
    FacilityFactory(name="钓鱼城敬老院", town_id=TOWN_B, beds_total=80, beds_occupied=60, address="旧址")
    header = ["名称", "类型", "镇街代码", "经度", "纬度", "已用床位"]
    fine = [["钓鱼城敬老院", "养老机构", TOWN_B, "106.266", "29.991", "70"]]
    report = facilities_import(actor=SYSTEM, source=io.BytesIO(csv_bytes(fine, header=header)), dry_run=False)
    assert report.written and (report.created, report.updated) == (0, 1)
    home = Facility.objects.get()
    assert (home.beds_total, home.beds_occupied, home.address) == (80, 70, "旧址")
    assert home.capacity_reported_at is not None
    too_many = [["钓鱼城敬老院", "养老机构", TOWN_B, "106.266", "29.991", "81"]]
    report = facilities_import(
        actor=SYSTEM, source=io.BytesIO(csv_bytes(too_many, header=header)), dry_run=False
    )
    assert report.errors == [(2, "已用床位", ["已用床位不能多于床位总数。"])]
    assert Facility.objects.get().beds_occupied == 70


def test_communities_are_checked_against_their_town_and_errors_come_in_english(tmp_path):
    from django.utils import translation

    from .factories import make_community

    make_community(TOWN_A[:9] + "001", "滨江社区", 106.27, 29.99)
    header = [*HEADER, "村社区代码"]
    rows = [
        [*GOOD[0], TOWN_A[:9] + "001"],
        [*GOOD[1], TOWN_A[:9] + "001"],  # a community of another town
        [*GOOD[2], "500117001999"],
    ]
    with translation.override("en"):
        report = facilities_import(
            actor=SYSTEM, source=io.BytesIO(csv_bytes(rows, header=header)), dry_run=True
        )
    assert [(line, column) for line, column, _ in report.errors] == [(3, "村社区代码"), (4, "村社区代码")]
    assert "500117001999" in report.errors[1][2][0] and "不存在" not in report.errors[1][2][0]
    assert Facility.objects.count() == 0


def test_import_takes_the_same_few_queries_whatever_the_file_length(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rows(n):
        return [
            [f"食堂{i}", "老年食堂", TOWN_A, "106.27", "29.99", "", "", "", "", "", "", ""] for i in range(n)
        ]

    counts = []
    for n in (5, 200):
        with CaptureQueriesContext(connection) as queries:
            report = facilities_import(actor=SYSTEM, source=io.BytesIO(csv_bytes(rows(n))), dry_run=False)
        assert report.written and report.created + report.unchanged == n
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[1] <= 15
    assert FacilityStatusChange.objects.count() == 200


def test_the_row_limit_refuses_the_file_and_progress_is_reported(monkeypatch):
    from facilities import services

    monkeypatch.setattr(services, "MAX_IMPORT_ROWS", 2)
    monkeypatch.setattr(services, "CHUNK_ROWS", 1)
    seen: list[int] = []
    report = facilities_import(
        actor=SYSTEM, source=io.BytesIO(csv_bytes(GOOD)), dry_run=False, on_progress=seen.append
    )
    assert not report.written and Facility.objects.count() == 0
    assert report.errors == [(4, "", ["文件超过 2 行，请分批导入"])]
    assert seen[:2] == [1, 2] and seen[-1] == 3


def test_refusing_a_preview_asks_with_a_summary_then_discards_it(
    officer_a_client, staff_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Issue 20 item 2: refusing an import is confirmed on a page that sums it up (file, rows,
    errors); the result says what was done and the preview can no longer be confirmed."""
    settings.MEDIA_ROOT = str(tmp_path)
    page = _upload(
        officer_a_client, csv_bytes([GOOD[0], GOOD[2]]), "registry.csv", django_capture_on_commit_callbacks
    )
    assert f'href="{page}discard/"' in officer_a_client.get(page).content.decode()
    # another user's job is not found, GET or POST
    assert staff_client.get(f"{page}discard/").status_code == 404
    assert staff_client.post(f"{page}discard/").status_code == 404
    confirm = officer_a_client.get(f"{page}discard/")
    body = confirm.content.decode()
    assert confirm.status_code == 200
    assert '<dd data-summary="name">registry.csv</dd>' in body
    assert '<dd data-summary="rows">2</dd>' in body
    assert '<dd data-summary="errors">0</dd>' in body
    assert "将新增 2 个" in body
    assert len(list((tmp_path / "imports" / "facilities").iterdir())) == 1  # a GET discards nothing
    response = officer_a_client.post(f"{page}discard/", follow=True)
    assert response.redirect_chain[-1][0] == "/manage/facilities/import/"
    assert "已放弃导入“registry.csv”（2 行）：未写入任何数据" in response.content.decode()
    assert list((tmp_path / "imports" / "facilities").iterdir()) == []
    assert "已放弃本次导入" in officer_a_client.get(page).content.decode()
    # neither a confirmation nor a second refusal does anything now
    with django_capture_on_commit_callbacks(execute=True):
        officer_a_client.post(page, {"confirm": "1"})
    assert Facility.objects.count() == 0
    again = officer_a_client.post(f"{page}discard/", follow=True)
    assert "预览已过期或已导入" in again.content.decode()


def test_refusing_a_preview_with_errors_counts_them(
    staff_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    page = _upload(staff_client, csv_bytes(BAD), "bad.csv", django_capture_on_commit_callbacks)
    assert f'href="{page}discard/"' in staff_client.get(page).content.decode()
    body = staff_client.get(f"{page}discard/").content.decode()
    assert '<dd data-summary="errors">7</dd>' in body and "bad.csv" in body
    assert staff_client.post(f"{page}discard/").status_code == 302
    assert "已放弃本次导入" in staff_client.get(page).content.decode()
