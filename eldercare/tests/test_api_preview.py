"""POST /api/v1/eldercare/assessments/preview/: the grading contract (issue 23), every rule at its
boundaries through HTTP, the refusals in the shared error body, and who may call it."""

from __future__ import annotations

import pytest

from hechuan_portal.accounts.models import AuditEvent

from ..models import Assessment
from .factories import answers_totalling, make_assessor

URL = "/api/v1/eldercare/assessments/preview/"
pytestmark = pytest.mark.django_db


def preview(client, items, **flags):
    return client.post(URL, {"items": items, **flags}, content_type="application/json")


@pytest.mark.parametrize(
    ("total", "grade"), [(90, 0), (89, 1), (66, 1), (65, 2), (46, 2), (45, 3), (30, 3), (29, 4)]
)
def test_preview_grades_each_boundary(staff_client, total, grade):
    response = preview(staff_client, answers_totalling(total))
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == total
    assert body["preliminary_grade"] == grade
    assert body["final_grade"] == grade
    assert body["reasons"] == []
    assert sum(body["dimension_scores"].values()) == total
    assert set(body["dimension_scores"]) == {"B.1", "B.2", "B.3", "B.4"}


def test_preview_answers_exactly_the_contract(staff_client):
    body = preview(
        staff_client,
        answers_totalling(66),
        coma=False,
        dementia=True,
        mental_disorder=False,
        risk_events_30d=2,
    ).json()
    assert body == {
        "total": 66,
        "dimension_scores": {"B.1": 32, "B.2": 15, "B.3": 19, "B.4": 0},
        "preliminary_grade": 1,
        "final_grade": 2,
        "reasons": [
            {"code": "dementia", "detail": "确诊痴呆，等级上调一级。"},
            {"code": "risk_events", "detail": "近30天内照护风险事件达到规定次数，等级上调一级。"},
            {"code": "combined", "detail": "多项上调规则同时适用，按政策合计上调一级。"},
        ],
    }


@pytest.mark.parametrize(
    ("flags", "final", "codes"),
    [
        ({"dementia": True}, 3, ["dementia"]),
        ({"mental_disorder": True}, 3, ["mental_disorder"]),
        ({"risk_events_30d": 2}, 3, ["risk_events"]),
        ({"risk_events_30d": 1}, 2, []),
        ({"dementia": True, "risk_events_30d": 3}, 3, ["dementia", "risk_events", "combined"]),
        ({"coma": True}, 4, ["coma"]),
    ],
)
def test_preview_applies_each_adjustment(staff_client, flags, final, codes):
    body = preview(staff_client, answers_totalling(46), **flags).json()
    assert body["preliminary_grade"] == 2
    assert body["final_grade"] == final
    assert [r["code"] for r in body["reasons"]] == codes


def test_preview_coma_with_full_marks_is_grade_4(staff_client):
    body = preview(staff_client, answers_totalling(90), coma=True).json()
    assert (body["preliminary_grade"], body["final_grade"]) == (0, 4)


def test_preview_never_above_4(staff_client):
    body = preview(staff_client, answers_totalling(10), mental_disorder=True).json()
    assert body["final_grade"] == 4
    assert [r["code"] for r in body["reasons"]] == ["mental_disorder", "capped"]


def test_a_missing_item_is_a_400_naming_it(staff_client):
    items = answers_totalling(50)
    del items["B.3.2"]
    response = preview(staff_client, items)
    assert response.status_code == 400
    assert response.json() == {
        "code": "item_missing",
        "detail": "缺少评估项目 B.3.2 的得分。",
        "field": "items.B.3.2",
    }


@pytest.mark.parametrize(
    ("item", "value"), [("B.2.4", 4), ("B.1.1", 5), ("B.3.9", 3), ("B.4.1", -1), ("B.3.7", "1")]
)
def test_a_score_outside_its_range_is_a_400_naming_it(staff_client, item, value):
    response = preview(staff_client, {**answers_totalling(0), item: value})
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("item_out_of_range", f"items.{item}")
    assert item in body["detail"]


def test_an_unknown_item_is_refused(staff_client):
    response = preview(staff_client, {**answers_totalling(0), "B.5.1": 1})
    assert (response.status_code, response.json()["field"]) == (400, "items.B.5.1")


def test_flags_are_checked_by_the_serializer(staff_client):
    response = preview(staff_client, answers_totalling(0), risk_events_30d=-1)
    assert response.status_code == 400
    assert response.json()["field"] == "risk_events_30d"
    response = staff_client.post(URL, {"coma": False}, content_type="application/json")
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "required",
        "items",
    )


def test_preview_is_answered_in_english(staff_client):
    items = answers_totalling(0)
    del items["B.1.1"]
    response = staff_client.post(
        URL, {"items": items}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["detail"] == "The score of assessment item B.1.1 is missing."


def test_preview_saves_nothing(staff_client):
    before = AuditEvent.objects.count()
    assert preview(staff_client, answers_totalling(40)).status_code == 200
    assert Assessment.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_who_may_call_preview(
    anon_client, admin_client_, staff_client, officer_a_client, operator_client, auditor_client
):
    items = answers_totalling(60)
    assert preview(anon_client, items).status_code == 401
    assert preview(admin_client_, items).status_code == 200
    assert preview(staff_client, items).status_code == 200
    # An officer without an assessor certificate may not; the operator and the auditor never.
    refused = preview(officer_a_client, items)
    assert (refused.status_code, refused.json()["code"]) == (403, "not_allowed")
    assert preview(operator_client, items).status_code == 403
    assert preview(auditor_client, items).status_code == 403


def test_an_assessor_may_call_preview_until_the_certificate_expires(client):
    import datetime as dt

    valid = make_assessor("pg_valid")
    expired = make_assessor("pg_expired", expires_on=dt.date(2020, 1, 1))
    client.force_login(valid)
    assert preview(client, answers_totalling(60)).status_code == 200
    client.force_login(expired)
    assert preview(client, answers_totalling(60)).status_code == 403
