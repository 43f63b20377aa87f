"""Spreadsheets as offices make them (issue 22): a merged title row above the header, units in the
header names, data on a second sheet, full-width digits and coordinates, .xls/.xlsx/.ods; errors as
sentences with row and column; the portal's own export re-imported changes nothing."""

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from facilities.models import Facility, FacilityKind
from facilities.services import facilities_import
from hechuan_portal.accounts.roles import SYSTEM

from .factories import TOWN_A, TOWN_B, FacilityFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
TITLE = "合川区养老服务设施名录（2026年12月）"
HEADER = ["序号", "名称", "类型", "镇街代码", "经度（°）", "纬度（°）", "床位总数（张）", "联系电话"]
ROWS = [
    [1, "合阳城敬老院", "养老机构", "500117001000", 106.27, 29.99, 120, "+86 23 4275 0001"],
    [
        2,
        "滨江日间照料中心",
        "日间照料中心",
        "500117001",
        "１０６．２６５",
        "２９．９８８",
        "３０",
        "023-42750002",
    ],
]


def office_xlsx() -> bytes:
    """A notes sheet first, then the registry under a merged title row and a 填报单位 line."""
    book = Workbook()
    notes = book.active
    notes.title = "填表说明"
    notes.append(["本表由各镇街民政办填报，请勿修改表头。"])
    sheet = book.create_sheet("设施名录")
    sheet.append([TITLE])
    sheet.merge_cells("A1:H1")
    sheet.append(["填报单位：合阳城街道"])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def office_ods() -> bytes:
    """An OpenDocument spreadsheet as WPS/LibreOffice saves it (the parts calamine reads)."""

    def cell(value):
        if isinstance(value, int | float):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    def table(name, rows):
        body = "".join(f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>" for row in rows)
        return f'<table:table table:name="{name}">{body}</table:table>'

    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        + table("填表说明", [["本表由各镇街民政办填报。"]])
        + table("设施名录", [[TITLE], ["填报单位：合阳城街道"], HEADER, *ROWS])
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda: (FIXTURES / "office_registry.xls").read_bytes(), id="xls"),
        pytest.param(office_xlsx, id="xlsx"),
        pytest.param(office_ods, id="ods"),
    ],
)
def test_office_registry_is_read_on_its_second_sheet_below_its_title(content):
    report = facilities_import(actor=SYSTEM, source=io.BytesIO(content()), dry_run=False)
    assert report.errors == [] and report.written and report.created == 2
    assert report.notes[0] == "读取工作表“设施名录”。"
    assert any(
        n.startswith("第 1 行（合川区养老服务设施名录") and n.endswith("是标题行，已跳过。")
        for n in report.notes
    )
    assert "第 2 行（填报单位：合阳城街道）是标题行，已跳过。" in report.notes
    assert "以下列无法识别，已忽略：序号。" in report.notes
    home = Facility.objects.get(name="合阳城敬老院")
    assert (home.kind, home.town_id, home.beds_total, home.phone) == (
        FacilityKind.NURSING_HOME,
        TOWN_A,
        120,
        "+86 23 4275 0001",
    )
    centre = Facility.objects.get(name="滨江日间照料中心")  # full-width digits and coordinates
    assert centre.beds_total == 30 and centre.town_id == TOWN_A
    assert (round(centre.location.x, 3), round(centre.location.y, 3)) == (106.265, 29.988)


def test_errors_are_sentences_with_the_file_line_and_column():
    book = Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.merge_cells("A1:F1")
    sheet.append(["名称", "类型", "镇街代码", "经度", "纬度", "床位总数（张）"])
    sheet.append(["甲敬老院", "养老机构", TOWN_A, 106.27, 29.99, 10])
    sheet.append(["乙敬老院", "游泳馆", TOWN_A, 106.27, 29.99, "十张"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = facilities_import(actor=SYSTEM, source=io.BytesIO(buffer.getvalue()), dry_run=True)
    assert not report.written and Facility.objects.count() == 0
    by_column = {column: reasons for line, column, reasons in report.errors if line == 4}
    assert by_column["类型"] == ["类型“游泳馆”无法识别"]
    assert by_column["床位总数"] == ["“十张”不是整数"]
    for _line, _column, reasons in report.errors:
        assert all(isinstance(r, str) and not r.startswith("[") for r in reasons)


def test_a_header_without_a_required_column_is_one_sentence():
    content = "合川区设施名录\n名称,类型,镇街代码,经度\n甲,养老机构,500117001000,106.2\n".encode()
    report = facilities_import(actor=SYSTEM, source=io.BytesIO(content), dry_run=True)
    assert report.errors == [(1, "", ["第 2 行（表头）缺少必填列：纬度"])]


def test_a_file_without_any_header_says_where_it_looked():
    report = facilities_import(actor=SYSTEM, source=io.BytesIO(b"a,b\n1,2\n"), dry_run=True)
    assert "找不到表头" in report.errors[0][2][0]


RISKY = {
    "name": '=HYPERLINK("http://x")',
    "phone": "+86 23 4275 0001",
    "address": "-",
    "operator_name": "@运营",
}


def _risky_facilities():
    FacilityFactory(**RISKY, beds_total=10, beds_occupied=2, capacity_reported_at=timezone.now())
    FacilityFactory(name="钓鱼城托育", kind=FacilityKind.NURSERY, town_id=TOWN_B, phone="-12")
    return {
        f.pk: (f.name, f.phone, f.address, f.operator_name, f.beds_total, f.location.wkt)
        for f in Facility.objects.all()
    }


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "csv_gbk"])
def test_export_then_import_changes_and_duplicates_nothing(staff_client, fmt):
    before = _risky_facilities()
    response = staff_client.get("/manage/facilities/export/", {"format": fmt})
    report = facilities_import(actor=SYSTEM, source=io.BytesIO(response.content), dry_run=False)
    assert report.errors == [] and (report.created, report.updated, report.unchanged) == (0, 0, 2)
    after = {
        f.pk: (f.name, f.phone, f.address, f.operator_name, f.beds_total, f.location.wkt)
        for f in Facility.objects.all()
    }
    assert after == before


def test_guard_does_not_show_in_xlsx_and_only_where_evaluated_in_csv(staff_client):
    _risky_facilities()
    xlsx = staff_client.get("/manage/facilities/export/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "设施名录"
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["名称"].value == RISKY["name"] and row["名称"].data_type == "s"  # a string, never a formula
    assert row["电话"].value == RISKY["phone"] and row["地址"].value == "-"
    assert row["运营主体"].value == "@运营"
    assert row["床位总数"].value == 10 and row["演示数据"].value == "否"
    reported = dt.datetime.strptime(row["容量上报时间"].value, "%Y-%m-%d %H:%M")
    assert reported.strftime("%Y-%m-%d %H") == timezone.localtime().strftime("%Y-%m-%d %H")  # Asia/Shanghai
    text = staff_client.get("/manage/facilities/export/", {"format": "csv"}).content.decode("utf-8-sig")
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in list(csv.reader(io.StringIO(text)))[1:]}
    first = rows["'" + RISKY["name"]]
    assert first["电话"] == RISKY["phone"] and first["地址"] == "-" and first["运营主体"] == "'@运营"
    assert rows["钓鱼城托育"]["电话"] == "-12"


def test_export_headers_and_sheet_follow_the_language(staff_client):
    FacilityFactory(name="语言测试", is_demo=True)
    staff_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        response = staff_client.get("/manage/facilities/export/", {"format": "xlsx"})
    finally:
        translation.activate("zh-hans")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert sheet.title == "Registry" and header[0] == "Name"
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["Kind"] == "养老机构" and values["Demo data"] == "Yes"
    # An English file comes back in too.
    report = facilities_import(actor=SYSTEM, source=io.BytesIO(response.content), dry_run=True)
    assert report.errors == [] and report.unchanged == 1
