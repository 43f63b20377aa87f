"""Staff pages: the phone form records and sends the second assessor to sign; the elder's page is
search-first, scoped, masked and audited; the lists answer per town."""

from __future__ import annotations

import datetime as dt

import pytest

from hechuan_portal.accounts.models import AuditEvent

from .. import services
from ..forms import item_field_name
from ..models import Assessment
from .factories import TOWN_B, answers_totalling, elder

pytestmark = pytest.mark.django_db


def form_data(number, total=50, **extra):
    data = {"id_number": number, "assessed_on": "2026-11-20", "place": "home", "risk_events_30d": "0"}
    data.update({item_field_name(code): str(v) for code, v in answers_totalling(total).items()})
    data.update(extra)
    return data


def test_the_phone_form_records_and_the_second_assessor_signs(assessor_a_client, assessor_a2_client):
    resident, number = elder()
    page = assessor_a_client.get("/manage/eldercare/assess/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "B.2.4" in html and "上下楼梯" in html and "eldercare/assess.js" in html
    response = assessor_a_client.post("/manage/eldercare/assess/", form_data(number, 40))
    assessment = Assessment.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/manage/eldercare/assessments/{assessment.pk}/"
    )
    assert (assessment.final_grade, assessment.resident) == (3, resident)
    # The first assessor sees no sign button; the second signs.
    assert "签字确认" not in assessor_a_client.get(response["Location"]).content.decode()
    assert "签字确认" in assessor_a2_client.get(response["Location"]).content.decode()
    signed = assessor_a2_client.post(f"/manage/eldercare/assessments/{assessment.pk}/sign/")
    assert signed.status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_signed


def test_a_resent_form_is_recorded_once(assessor_a_client):
    _, number = elder()
    data = form_data(number, client_key="6f1c1b7e-3c1f-4f7a-9a55-5b1e6d0c2a11")
    first = assessor_a_client.post("/manage/eldercare/assess/", data)
    again = assessor_a_client.post("/manage/eldercare/assess/", data)
    assert first["Location"] == again["Location"]
    assert Assessment.objects.count() == 1


def test_a_missing_item_comes_back_on_its_field(assessor_a_client):
    _, number = elder()
    data = form_data(number)
    del data[item_field_name("B.3.5")]
    response = assessor_a_client.post("/manage/eldercare/assess/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[item_field_name("B.3.5")] == ["缺少评估项目 B.3.5 的得分。"]
    assert Assessment.objects.count() == 0


def test_an_officer_without_a_certificate_gets_no_form(officer_a_client):
    assert officer_a_client.get("/manage/eldercare/assess/").status_code == 403


def test_the_elder_page_is_search_first_scoped_masked_and_audited(
    assessor_a, assessor_a2, officer_a_client, officer_b_client
):
    resident, number = elder()
    assessment = services.assessment_record(
        actor=assessor_a,
        resident=resident,
        assessed_on=dt.date(2026, 11, 1),
        place="home",
        items=answers_totalling(50),
    )
    services.assessment_sign(actor=assessor_a2, assessment=assessment)
    found = officer_a_client.post("/manage/eldercare/", {"id_number": number})
    assert found.status_code == 302 and found["Location"] == f"/manage/eldercare/elders/{resident.pk}/"
    page = officer_a_client.get(found["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert resident.id_masked in html and number not in html
    assert page.context["latest"] == assessment
    assert "能力中度受损（中度失能）" in html
    assert AuditEvent.objects.filter(
        action="view", object_type="residents.resident", object_id=str(resident.pk)
    ).exists()
    # Another town's officer neither finds the person nor opens the page.
    assert officer_b_client.post("/manage/eldercare/", {"id_number": number}).status_code == 200
    assert officer_b_client.get(found["Location"]).status_code == 404


def test_operators_and_auditors_have_no_elder_pages(operator_client, auditor_client):
    for client in (operator_client, auditor_client):
        assert client.get("/manage/eldercare/").status_code == 403
        assert client.get("/manage/eldercare/to-assess/").status_code == 403


def test_the_lists_answer_per_town(staff_client, officer_a_client):
    elder(dt.date(1930, 1, 1))
    elder(dt.date(1931, 1, 1), town=TOWN_B)
    support, _ = elder(dt.date(1950, 1, 1), dibao=True)
    assert staff_client.get("/manage/eldercare/to-assess/").context["page"].paginator.count == 2
    assert (
        staff_client.get(f"/manage/eldercare/to-assess/?town={TOWN_B}").context["page"].paginator.count == 1
    )
    assert officer_a_client.get("/manage/eldercare/to-assess/").context["page"].paginator.count == 1
    assert (
        officer_a_client.get(f"/manage/eldercare/to-assess/?town={TOWN_B}").context["page"].paginator.count
        == 1
    )
    assert staff_client.get("/manage/eldercare/support/").status_code == 200
