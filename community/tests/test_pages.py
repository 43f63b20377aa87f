"""The community pages: who opens them, what they show, and that lists do not grow in queries."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import TOWN_A
from hechuan_portal.accounts.roles import SYSTEM

from .. import services
from ..models import ClaimStatus, ImportStatus, Meal, MealClaim, MealImport
from . import factories as f

pytestmark = pytest.mark.django_db

PAGES = [
    "/manage/community/",
    "/manage/community/meals/import/",
    "/manage/community/meals/new/",
    "/manage/community/claims/",
    "/manage/community/care/",
    "/manage/community/care/new/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_open_for_staff_and_refuse_auditors(
    url, officer_a_client, operator_client, auditor_client, anon_client
):
    assert officer_a_client.get(url).status_code == 200
    assert operator_client.get(url).status_code == 200
    assert auditor_client.get(url).status_code == 403
    assert anon_client.get(url).status_code == 302


def test_upload_a_meal_file_and_read_its_problems_in_english(officer_a_client):
    f.policy()
    canteen = f.canteen()
    upload = SimpleUploadedFile("till.csv", f.csv_file([["2026-12-01", "", "低保", "外卖", ""]]))
    response = officer_a_client.post(
        "/manage/community/meals/import/", {"canteen": canteen.pk, "file": upload}
    )
    batch = MealImport.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/manage/community/meals/imports/{batch.pk}/"
    )
    assert batch.status == ImportStatus.FAILED
    page = officer_a_client.get(response["Location"]).content.decode()
    assert "该类别须填写身份证号" in page
    page = officer_a_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    officer_a_client.post("/i18n/setlang/", {"language": "en"})
    page = officer_a_client.get(response["Location"]).content.decode()
    assert "This category needs the ID number" in page


def test_other_towns_import_is_not_found(officer_b_client):
    f.policy()
    canteen = f.canteen()
    batch = services.meals_import(
        actor=SYSTEM,
        canteen=canteen,
        source=io.BytesIO(f.csv_file([])),
        file_name="x.csv",
        today=dt.date(2026, 12, 6),
    )
    assert officer_b_client.get(f"/manage/community/meals/imports/{batch.pk}/").status_code == 404


def test_phone_form_records_a_meal(operator, operator_client):
    f.policy()
    canteen = f.canteen()
    canteen.operators.add(operator)
    _, number = f.person(dt.date(1940, 1, 1))
    response = operator_client.post(
        "/manage/community/meals/new/",
        {
            "canteen": canteen.pk,
            "day": "2026-12-01",
            "category": "age_80",
            "way": "dine_in",
            "id_number": number,
            "count": 1,
        },
    )
    assert response.status_code == 302
    assert Meal.objects.get().resident.id_index


def test_review_on_the_claim_page_and_roll_is_district_only(officer_a_client, staff_client):
    f.policy()
    canteen = f.canteen()
    _, number = f.person(dt.date(1940, 1, 1))
    services.meals_import(
        actor=SYSTEM,
        canteen=canteen,
        source=io.BytesIO(f.csv_file([["2026-12-01", number, "80岁以上", "堂食", ""]])),
        file_name="x.csv",
        today=dt.date(2026, 12, 6),
    )
    services.claims_compute(actor=SYSTEM, month=dt.date(2026, 12, 1))
    claim = MealClaim.objects.get()
    url = f"/manage/community/claims/{claim.pk}/"
    assert "审批前检查" in officer_a_client.get(url).content.decode()
    assert officer_a_client.post(url, {"action": "approve"}).status_code == 403
    assert officer_a_client.post(url, {"action": "review"}).status_code == 302
    assert staff_client.post(url, {"action": "approve"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert officer_a_client.get("/manage/community/rolls/2026-12/").status_code == 403
    assert staff_client.post("/manage/community/rolls/2026-12/", {"action": "draft"}).status_code == 302
    assert staff_client.post("/manage/community/rolls/2026-12/", {"action": "close"}).status_code == 302
    response = staff_client.get("/manage/community/rolls/2026-12/bank-file/")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[1].endswith(",2026-12,1,4.00")


def test_claim_list_query_count_does_not_grow(officer_a_client, django_assert_max_num_queries):
    f.policy()
    _, number = f.person(dt.date(1940, 1, 1))
    for _ in range(3):
        canteen = f.canteen(town_id=TOWN_A)
        services.meals_import(
            actor=SYSTEM,
            canteen=canteen,
            source=io.BytesIO(f.csv_file([["2026-12-01", number, "80岁以上", "堂食", ""]])),
            file_name="x.csv",
            today=dt.date(2026, 12, 6),
        )
    services.claims_compute(actor=SYSTEM, month=dt.date(2026, 12, 1))
    with django_assert_max_num_queries(12):
        response = officer_a_client.get("/manage/community/claims/?month=2026-12")
    assert response.content.decode().count("/manage/community/claims/") >= 3


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_do_not_grow_with_rows(officer_a_client, officer_a):
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from facilities.models import FacilityKind
    from facilities.tests.factories import FacilityFactory

    from .conftest import PNG

    f.policy()
    point = FacilityFactory(kind=FacilityKind.BATHING_POINT)
    month = timezone.localdate().replace(day=1)

    def add_rows():
        elder, number = f.person(dt.date(1938, 1, 1), tekun=True)
        canteen = f.canteen()
        services.meals_import(
            actor=SYSTEM,
            canteen=canteen,
            source=io.BytesIO(f.csv_file([[f"{month}", number, "其他老年人", "堂食", ""]])),
            file_name="x.csv",
            today=timezone.localdate(),
        )
        services.care_plan_set(actor=SYSTEM, resident=elder, month=month, service="bathing", visits=2)
        services.care_record_create(
            actor=officer_a,  # a person: the photo names its uploader
            resident=elder,
            kind="bath_home",
            provider=point,
            photo=SimpleUploadedFile("p.png", PNG, content_type="image/png"),
        )
        volunteer = services.volunteer_register(actor=SYSTEM, resident=f.person(dt.date(1960, 1, 1))[0])
        recipient = f.person(dt.date(1935, 1, 1))[0]
        service = services.service_record(
            actor=SYSTEM,
            volunteer=volunteer,
            recipient=recipient,
            day=month,
            hours=Decimal("1"),
            content="陪护",
        )
        services.service_confirm(actor=SYSTEM, service=service)

    urls = [
        "/manage/community/",
        "/manage/community/care/",
        "/manage/community/time-bank/",
        "/manage/community/time-bank/services/",
    ]
    add_rows()
    services.claims_compute(actor=SYSTEM, month=month)
    one = [_queries(officer_a_client, u) for u in urls + ["/manage/community/claims/"]]
    add_rows()
    add_rows()
    services.claims_compute(actor=SYSTEM, month=month)
    many = [_queries(officer_a_client, u) for u in urls + ["/manage/community/claims/"]]
    assert many == one
