"""Search-first staff pages, masking, the audited reveal, scope and the upload."""

import datetime as dt

import pytest
from django.test import override_settings

from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.residents.models import DuplicateGroup, ImportBatch, Resident
from hechuan_portal.residents.services import duplicate_groups_refresh, town_population_refresh

from .conftest import csv_line, extract
from .factories import ResidentFactory, make_id

pytestmark = pytest.mark.django_db
TOWN_A, TOWN_B = "500117001000", "500117002000"


@pytest.fixture
def pair():
    number_a = make_id(dt.date(1940, 1, 1), seq=301)
    a = ResidentFactory(id_number=number_a, name="甲老人", hukou_code=TOWN_A)
    b = ResidentFactory(name="乙老人", hukou_code=TOWN_B)
    return a, b, number_a


def test_search_is_search_first_no_browse(staff_client, pair):
    response = staff_client.get("/manage/residents/")
    assert response.status_code == 200 and "甲老人" not in response.content.decode()


def test_search_by_full_id_shows_masked_only(staff_client, pair):
    a, _b, number = pair
    html = staff_client.post("/manage/residents/", {"q": f" {number.lower()} "}).content.decode()
    assert "甲老人" in html and a.id_masked in html and number not in html


def test_search_by_name_is_scoped(officer_a_client, pair):
    a, _b, _n = pair
    assert [row.pk for row in officer_a_client.get("/manage/residents/", {"q": "甲老人"}).context["results"]] == [a.pk]
    response = officer_a_client.get("/manage/residents/", {"q": "乙老人"})
    assert response.context["results"] == [] and "本辖区内没有找到匹配的人员" in response.content.decode()


def test_a_result_row_links_to_the_person_and_shows_labels_not_codes(staff_client):
    inside = ResidentFactory(name="丙老人", hukou_code=TOWN_A, birth_date=dt.date(1940, 3, 9), male=False)
    outside = ResidentFactory(name="丙老人", hukou_code="510100000000", birth_date=dt.date(1941, 1, 2))
    html = staff_client.get("/manage/residents/", {"q": "丙老人"}).content.decode()
    for person in (inside, outside):
        assert f'<a href="/manage/residents/{person.pk}/">丙老人</a>' in html and person.id_masked in html
    assert "1940年3月9日" in html and ">女<" in html and ">正常<" in html and "区外户籍" in html
    english = staff_client.get("/manage/residents/", {"q": "丙老人"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Registered outside the district" in english and ">Female<" in english and "区外户籍" not in english


def test_detail_out_of_scope_is_404(officer_a_client, pair):
    a, b, _n = pair
    assert officer_a_client.get(f"/manage/residents/{a.pk}/").status_code == 200
    assert officer_a_client.get(f"/manage/residents/{b.pk}/").status_code == 404


@pytest.mark.parametrize("client_name", ["operator_client", "auditor_client"])
def test_roles_without_registry_access(request, client_name, pair):
    client = request.getfixturevalue(client_name)
    assert client.get("/manage/residents/").status_code == 403
    assert client.get(f"/manage/residents/{pair[0].pk}/").status_code == 403


def test_anonymous_is_sent_to_login(anon_client):
    assert anon_client.get("/manage/residents/").status_code == 302


def test_reveal_needs_a_reason_and_is_audited(officer_a_client, officer_a, pair):
    a, _b, number = pair
    response = officer_a_client.post(f"/manage/residents/{a.pk}/reveal/", {"reason": ""})
    assert response.status_code == 400 and number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()
    response = officer_a_client.post(f"/manage/residents/{a.pk}/reveal/", {"reason": "入户核对津贴账户"})
    assert response.status_code == 200 and number in response.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert (event.actor_id, event.object_id, event.reason, event.area_code) == (
        officer_a.pk,
        str(a.pk),
        "入户核对津贴账户",
        TOWN_A,
    )
    assert number not in str(event.changes)


def test_reveal_out_of_scope_is_404_and_not_audited(officer_a_client, pair):
    _a, b, _n = pair
    assert (
        officer_a_client.post(f"/manage/residents/{b.pk}/reveal/", {"reason": "入户核对津贴"}).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_quality_report(staff_client, pair):
    ResidentFactory(name="百岁", birth_date=dt.date(1920, 1, 1))
    ResidentFactory(name="区外", hukou_code="500112001000")
    ResidentFactory(name="重名", birth_date=dt.date(1950, 5, 5))
    ResidentFactory(name="重名", birth_date=dt.date(1950, 5, 5))
    duplicate_groups_refresh(actor=SYSTEM)  # as every import does
    town_population_refresh(actor=SYSTEM)
    response = staff_client.get("/manage/residents/quality/")
    report = response.context["report"]
    assert (report["centenarian_count"], report["outside"], report["duplicate_count"]) == (1, 1, 1)
    town_a = next(t for t in report["per_town"] if t.code == TOWN_A)
    assert (town_a.total, town_a.aged80, town_a.aged100) == (4, 2, 1)


def test_quality_duplicates_by_scope(staff_client, officer_a_client):
    """District staff see groups across towns; a town officer only groups within their town."""
    for town in (TOWN_A, TOWN_B, TOWN_A, TOWN_A):
        ResidentFactory(name="同名", birth_date=dt.date(1948, 3, 3), hukou_code=town)
    ResidentFactory(name="独一", birth_date=dt.date(1948, 3, 3), hukou_code=TOWN_B)
    assert duplicate_groups_refresh(actor=SYSTEM) == 1
    staff = staff_client.get("/manage/residents/quality/").context["report"]
    assert [(g.name, g.n) for g in staff["duplicate_groups"]] == [("同名", 4)]
    officer = officer_a_client.get("/manage/residents/quality/").context["report"]
    assert [(g.name, g.n) for g in officer["duplicate_groups"]] == [("同名", 3)]
    assert officer["duplicate_count"] == 1


def test_upload_runs_the_task_and_offers_the_report(
    admin_client_, tmp_path, django_capture_on_commit_callbacks, celery_eager
):
    DuplicateGroup.objects.create(name="旧", gender="M", birth_date=dt.date(1940, 1, 1), n=2)
    number = make_id(dt.date(1940, 1, 1), seq=401)
    data = extract([csv_line(number, "丙", "男", "1940-01-01"), csv_line("123", "坏", "男", "1940-01-01")])
    data.name = "extract.csv"
    with override_settings(MEDIA_ROOT=tmp_path), django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            "/manage/residents/imports/",
            {"file": data, "extract_date": "2026-11-01", "source": "公安", "skip_invalid": "on"},
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/manage/residents/imports/{batch.pk}/"
    assert (batch.status, batch.inserted, batch.rows_invalid) == ("succeeded", 1, 1)
    page = admin_client_.get(response["Location"]).content.decode()
    assert "下载错误报告" in page
    report = admin_client_.get(f"/manage/residents/imports/{batch.pk}/report.csv").content.decode("utf-8-sig")
    assert report.splitlines()[1].startswith("3,身份证号,id_format,")
    assert Resident.objects.filter(name="丙").exists()
    # The import recomputed the data-quality page's duplicate groups: the stale one is gone.
    assert not DuplicateGroup.objects.exists()
    assert list(tmp_path.glob("imports/*")) == []  # the uploaded file is removed once loaded


def test_upload_denied_to_staff_and_officers(staff_client, officer_a_client):
    data = extract([])
    data.name = "x.csv"
    assert (
        staff_client.post(
            "/manage/residents/imports/", {"file": data, "extract_date": "2026-11-01"}
        ).status_code
        == 403
    )
    assert officer_a_client.get("/manage/residents/imports/").status_code == 403
    assert ImportBatch.objects.count() == 0


def test_search_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    ResidentFactory(name="同名")
    with django_assert_max_num_queries(8) as one:
        staff_client.get("/manage/residents/", {"q": "同名"})
    for _ in range(20):
        ResidentFactory(name="同名")
    with django_assert_max_num_queries(len(one.captured_queries)):
        staff_client.get("/manage/residents/", {"q": "同名"})


@pytest.mark.parametrize("role_client", ["staff_client", "officer_a_client"])
def test_the_search_by_name_can_be_answered_from_its_index_alone(role_client, request, pair):
    """Every column a result shows is in `residents_search_idx` (issue 20): a column added to the
    search and not to the index sends each of a common name's rows back to the table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hechuan_portal.residents import selectors

    client = request.getfixturevalue(role_client)
    user = client.get("/manage/residents/").wsgi_request.user
    with CaptureQueriesContext(connection) as ctx:
        selectors.resident_search(user=user, query="甲老人")
    (sql,) = [q["sql"] for q in ctx.captured_queries if "residents_resident" in q["sql"]]
    with connection.cursor() as cursor:
        # Small test tables are read whole; with those ways off, only the index answers.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using residents_search_idx on residents_resident" in plan, plan
