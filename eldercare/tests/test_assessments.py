"""Recorded assessments: by an assessor within scope, graded and audited; signed off by a second
assessor; immutable once signed (service and database trigger); corrections are new assessments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from hechuan_portal.accounts.models import AuditEvent, Role
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError

from .. import services
from ..models import Assessment
from .factories import TOWN_B, answers_totalling, elder, make_assessor

pytestmark = pytest.mark.django_db
URL = "/api/v1/eldercare/assessments/"
DAY = dt.date(2026, 11, 20)


def record_body(number, total=50, **extra):
    return {
        "id_number": number,
        "assessed_on": DAY.isoformat(),
        "place": "home",
        "items": answers_totalling(total),
        **extra,
    }


def record(actor, resident, total=50, **extra):
    return services.assessment_record(
        actor=actor, resident=resident, assessed_on=DAY, place="home", items=answers_totalling(total), **extra
    )


@pytest.mark.parametrize(
    ("total", "flags", "preliminary", "final"),
    [
        (90, {}, 0, 0),
        (89, {}, 1, 1),
        (66, {}, 1, 1),
        (65, {}, 2, 2),
        (46, {}, 2, 2),
        (45, {}, 3, 3),
        (30, {}, 3, 3),
        (29, {}, 4, 4),
        (89, {"dementia": True}, 1, 2),
        (65, {"mental_disorder": True}, 2, 3),
        (46, {"risk_events_30d": 2}, 2, 3),
        (66, {"dementia": True, "risk_events_30d": 2}, 1, 2),
        (30, {"dementia": True}, 3, 4),
        (29, {"dementia": True}, 4, 4),
        (90, {"coma": True}, 0, 4),
    ],
)
def test_recording_through_the_api_grades_at_each_boundary(
    assessor_a_client, total, flags, preliminary, final
):
    _, number = elder()
    response = assessor_a_client.post(
        URL, record_body(number, total, **flags), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["total"], body["preliminary_grade"], body["final_grade"]) == (total, preliminary, final)
    saved = Assessment.objects.get(pk=body["id"])
    assert (saved.total, saved.preliminary_grade, saved.final_grade) == (total, preliminary, final)
    assert saved.signed_at is None
    assert "id_number" not in body and number not in response.content.decode()


def test_recording_is_audited_and_keeps_everything(assessor_a):
    resident, _ = elder()
    assessment = record(assessor_a, resident, 60, risk_events_30d=3, notes="家中评估")
    assert assessment.town_id == resident.town_id
    assert assessment.assessor == assessor_a
    assert assessment.dimension_scores() == {"B.1": 32, "B.2": 15, "B.3": 13, "B.4": 0}
    assert assessment.reasons == ["risk_events"]
    assert assessment.policy.effective_from == dt.date(2022, 1, 1)
    event = AuditEvent.objects.get(object_type="eldercare.assessment", object_id=str(assessment.pk))
    assert (event.action, event.actor, event.area_code) == ("create", assessor_a, resident.town_id)


def test_an_item_out_of_range_names_the_item_and_saves_nothing(assessor_a_client):
    _, number = elder()
    body = record_body(number)
    body["items"]["B.4.4"] = 4
    response = assessor_a_client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("item_out_of_range", "items.B.4.4")
    assert Assessment.objects.count() == 0


def test_a_person_outside_the_scope_is_not_found(assessor_a_client):
    _, number = elder(town=TOWN_B)
    response = assessor_a_client.post(URL, record_body(number), content_type="application/json")
    assert response.status_code == 404
    assert (response.json()["code"], response.json()["field"]) == ("resident_not_found", "id_number")
    assert Assessment.objects.count() == 0


def test_a_future_date_is_refused(assessor_a):
    resident, _ = elder()
    with pytest.raises(PortalError) as refused:
        services.assessment_record(
            actor=assessor_a,
            resident=resident,
            assessed_on=dt.date.today() + dt.timedelta(days=1),
            place="home",
            items=answers_totalling(40),
        )
    assert refused.value.code == "date_in_future"


def test_only_assessors_record(officer_a, district_staff):
    resident, _ = elder()
    for actor in (officer_a, district_staff, SYSTEM):
        with pytest.raises(PortalError) as refused:
            record(actor, resident)
        assert refused.value.status == 403
    assert Assessment.objects.count() == 0


def test_an_expired_certificate_cannot_record():
    expired = make_assessor("pg_old", expires_on=dt.date(2021, 1, 1))
    resident, _ = elder()
    with pytest.raises(PortalError):
        record(expired, resident)


def test_a_second_assessor_signs_off(assessor_a, assessor_a2, assessor_a2_client):
    resident, _ = elder()
    assessment = record(assessor_a, resident)
    response = assessor_a2_client.post(f"{URL}{assessment.pk}/sign/")
    assert response.status_code == 200
    assert response.json()["second_assessor"] == assessor_a2.username
    assessment.refresh_from_db()
    assert assessment.second_assessor == assessor_a2 and assessment.signed_at is not None
    assert AuditEvent.objects.filter(
        object_id=str(assessment.pk), action="update", actor=assessor_a2
    ).exists()


def test_the_first_assessor_cannot_sign_their_own(assessor_a, assessor_a_client):
    assessment = record(assessor_a, elder()[0])
    response = assessor_a_client.post(f"{URL}{assessment.pk}/sign/")
    assert (response.status_code, response.json()["code"]) == (403, "same_assessor")
    assessment.refresh_from_db()
    assert assessment.signed_at is None


def test_a_signed_assessment_is_signed_once(assessor_a, assessor_a2):
    assessment = record(assessor_a, elder()[0])
    services.assessment_sign(actor=assessor_a2, assessment=assessment)
    third = make_assessor("assessor_a3")
    with pytest.raises(PortalError) as refused:
        services.assessment_sign(actor=third, assessment=assessment)
    assert refused.value.code == "already_signed"


def test_an_assessor_of_another_town_cannot_sign(assessor_a):
    assessment = record(assessor_a, elder()[0])
    other = make_assessor("assessor_b1", area=TOWN_B)
    with pytest.raises(PortalError):
        services.assessment_sign(actor=other, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.signed_at is None


def test_a_district_assessor_signs_in_any_town(assessor_a):
    assessment = record(assessor_a, elder()[0])
    district = make_assessor("pg_district", role=Role.DISTRICT_STAFF)
    services.assessment_sign(actor=district, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.second_assessor == district


def test_the_database_refuses_changing_or_deleting_a_signed_assessment(assessor_a, assessor_a2):
    assessment = record(assessor_a, elder()[0])
    # Unsigned: still an ordinary row (the trigger only guards signed ones).
    Assessment.objects.filter(pk=assessment.pk).update(notes="补充说明")
    services.assessment_sign(actor=assessor_a2, assessment=assessment)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(final_grade=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).delete()
    assessment.refresh_from_db()
    assert (assessment.final_grade, assessment.notes) == (2, "补充说明")


def test_a_correction_is_a_new_assessment(assessor_a, assessor_a2, assessor_a_client):
    resident, number = elder()
    original = record(assessor_a, resident, 50)
    services.assessment_sign(actor=assessor_a2, assessment=original)
    response = assessor_a_client.post(
        URL, record_body(number, 40, corrects=original.pk), content_type="application/json"
    )
    assert response.status_code == 201
    correction = Assessment.objects.get(pk=response.json()["id"])
    assert (correction.corrects, correction.final_grade) == (original, 3)
    original.refresh_from_db()
    assert original.final_grade == 2


def test_an_unsigned_assessment_cannot_be_corrected(assessor_a):
    resident, _ = elder()
    draft = record(assessor_a, resident)
    with pytest.raises(PortalError) as refused:
        record(assessor_a, resident, corrects=draft)
    assert refused.value.code == "not_signed"


def test_the_list_is_scoped(assessor_a, officer_a_client, officer_b_client, staff_client):
    record(assessor_a, elder()[0])
    assert officer_a_client.get(URL).json()["count"] == 1
    assert staff_client.get(URL).json()["count"] == 1
    assert officer_b_client.get(URL).json()["count"] == 0
