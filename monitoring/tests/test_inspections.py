from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.common.errors import PortalError
from monitoring import services
from monitoring.models import (
    ChecklistTemplate,
    Finding,
    FindingTransition,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    Topic,
)
from monitoring.selectors import latest_public_inspection

from .conftest import PNG
from .factories import LAT, LNG, FacilityFactory

pytestmark = pytest.mark.django_db


def _schedule(facility, user, topic=Topic.FIRE_SAFETY):
    return services.inspection_create(facility=facility, topic=topic, due_on=timezone.localdate(), actor=user)


def _answers(inspection, fail_positions=()):
    return [
        services.AnswerInput(
            i.pk,
            "no" if i.position in fail_positions else "yes",
            "问题" if i.position in fail_positions else "",
        )
        for i in inspection.template.items.all()
    ]


def test_default_templates_are_seeded_per_topic_and_kind():
    codes = set(ChecklistTemplate.objects.values_list("code", flat=True))
    assert codes == {
        "fire_elder",
        "fire_childcare",
        "food_elder",
        "food_childcare",
        "staffing_elder",
        "staffing_childcare",
        "fees_elder",
        "fees_childcare",
        "preschool_childcare",
        "capacity_elder",
        "capacity_childcare",
    }
    assert set(ChecklistTemplate.objects.values_list("topic", flat=True)) == set(Topic.values)
    assert ChecklistTemplate.objects.get(code="fire_elder").items.count() == 6


def test_record_with_one_failed_item_makes_a_finding(
    facility_a, officer_a, django_capture_on_commit_callbacks
):
    inspection = _schedule(facility_a, officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.inspection_record(
            inspection=inspection,
            actor=officer_a,
            answers=_answers(inspection, {3}),
            lng=LNG,
            lat=LAT + 0.001,
            accuracy_m=12.4,
        )
    inspection.refresh_from_db()
    # Item 3 (weight 10, major) failed: 55 of 65 points.
    assert (inspection.status, str(inspection.score), inspection.result) == ("completed", "84.6", "rectify")
    assert (inspection.location_check, inspection.distance_m, inspection.location_accuracy_m) == (
        "ok",
        111,
        12,
    )
    assert list(inspection.inspectors.all()) == [officer_a]
    assert InspectionAnswer.objects.filter(inspection=inspection).count() == 6
    finding = Finding.objects.get()
    assert (finding.facility, finding.item.position, finding.severity, finding.status) == (
        facility_a,
        3,
        "major",
        "open",
    )
    assert finding.deadline == timezone.localdate(inspection.inspected_at) + timedelta(days=15)
    log = FindingTransition.objects.get()
    assert (log.from_status, log.to_status, log.action, log.actor) == ("", "open", "create", officer_a)
    assert facility_a.risk.factors["findings_major"] == 1
    assert (
        AuditEvent.objects.filter(object_type="monitoring.inspection", reason="inspection_record").count()
        == 1
    )


def test_a_critical_failure_fails_the_inspection(facility_a, officer_a):
    inspection = _schedule(facility_a, officer_a)
    services.inspection_record(
        inspection=inspection, actor=officer_a, answers=_answers(inspection, {1}), lng=LNG, lat=LAT
    )
    inspection.refresh_from_db()
    assert inspection.result == "fail"
    assert Finding.objects.get().deadline == timezone.localdate(inspection.inspected_at) + timedelta(days=7)


def test_too_far_is_refused_without_a_reason_and_flagged_with_one(facility_a, officer_a):
    inspection = _schedule(facility_a, officer_a)
    with pytest.raises(PortalError) as exc:
        services.inspection_record(
            inspection=inspection, actor=officer_a, answers=_answers(inspection), lng=LNG, lat=LAT + 0.01
        )
    assert exc.value.code == "location_note_required"
    inspection.refresh_from_db()
    assert inspection.status == "scheduled" and not InspectionAnswer.objects.exists()

    services.inspection_record(
        inspection=inspection,
        actor=officer_a,
        answers=_answers(inspection),
        lng=LNG,
        lat=LAT + 0.01,
        location_note="分部",
    )
    inspection.refresh_from_db()
    assert (inspection.location_check, inspection.distance_m, inspection.location_note) == (
        "too_far",
        1112,
        "分部",
    )


def test_missing_location_is_recorded_as_missing(facility_a, officer_a):
    inspection = _schedule(facility_a, officer_a)
    services.inspection_record(inspection=inspection, actor=officer_a, answers=_answers(inspection))
    inspection.refresh_from_db()
    assert (inspection.location_check, inspection.distance_m, inspection.device_location) == (
        "missing",
        None,
        None,
    )


def test_every_item_must_be_answered(facility_a, officer_a):
    inspection = _schedule(facility_a, officer_a)
    with pytest.raises(PortalError, match="answers_incomplete"):
        services.inspection_record(inspection=inspection, actor=officer_a, answers=_answers(inspection)[:-1])
    assert Inspection.objects.get().status == "scheduled"


def test_photos_are_stored_by_content_hash_with_time(facility_a, officer_a):
    inspection = _schedule(facility_a, officer_a)
    item = inspection.template.items.first()
    services.inspection_record(
        inspection=inspection,
        actor=officer_a,
        answers=_answers(inspection),
        photos=[(item.pk, SimpleUploadedFile("x.jpg", PNG)), (None, SimpleUploadedFile("dup.png", PNG))],
    )
    photo = InspectionPhoto.objects.get()  # the duplicate is stored once
    digest = hashlib.sha256(PNG).hexdigest()
    assert (photo.sha256, photo.size, photo.content_type, photo.item) == (digest, len(PNG), "image/png", item)
    assert photo.file.name == f"monitoring/{digest[:2]}/{digest}.png"
    assert (Path(settings.MEDIA_ROOT) / photo.file.name).read_bytes() == PNG
    assert photo.received_at is not None


def test_a_non_image_upload_is_refused_and_nothing_is_written(facility_a, officer_a):
    inspection = _schedule(facility_a, officer_a)
    with pytest.raises(PortalError, match="file_type"):
        services.inspection_record(
            inspection=inspection,
            actor=officer_a,
            answers=_answers(inspection),
            photos=[(None, SimpleUploadedFile("x.png", b"<html>not an image</html>"))],
        )
    assert Inspection.objects.get().status == "scheduled"
    assert not InspectionAnswer.objects.exists()


def test_inspection_keeps_the_template_version_it_used(facility_a, officer_a, district_admin):
    first = _schedule(facility_a, officer_a)
    services.inspection_record(inspection=first, actor=officer_a, answers=_answers(first))
    v1 = first.template
    v2 = services.template_new_version(
        template=v1, items=[{"text": "新检查项", "severity": "minor", "weight": 5}], actor=district_admin
    )
    assert (v2.code, v2.version, v2.items.count()) == ("fire_elder", 2, 1)
    v1.refresh_from_db()
    assert not v1.is_active and v1.items.count() == 6
    first.refresh_from_db()
    assert first.template_id == v1.pk and first.answers.count() == 6
    second = _schedule(facility_a, officer_a)
    assert second.template_id == v2.pk


def test_operator_and_other_town_cannot_record(facility_a, officer_a, officer_b, operator):
    inspection = _schedule(facility_a, officer_a)
    for user in (operator, officer_b):
        with pytest.raises(PortalError, match="not_allowed"):
            services.inspection_record(inspection=inspection, actor=user, answers=_answers(inspection))
    assert Inspection.objects.get().status == "scheduled"


def test_assigned_inspectors_only(facility_a, officer_a, district_staff):
    from conftest import make_user

    other = make_user("officer_a2", "town_officer", facility_a.town_id)
    inspection = services.inspection_create(
        facility=facility_a,
        topic=Topic.FIRE_SAFETY,
        due_on=timezone.localdate(),
        actor=district_staff,
        inspectors=[other],
    )
    with pytest.raises(PortalError, match="not_allowed"):
        services.inspection_record(inspection=inspection, actor=officer_a, answers=_answers(inspection))
    services.inspection_record(inspection=inspection, actor=other, answers=_answers(inspection))


def test_recording_twice_is_refused(facility_a, officer_a):

    inspection = _schedule(facility_a, officer_a)
    services.inspection_record(inspection=inspection, actor=officer_a, answers=_answers(inspection))
    with pytest.raises(PortalError, match="invalid_transition"):
        services.inspection_record(inspection=inspection, actor=officer_a, answers=_answers(inspection, {2}))
    assert not Finding.objects.exists()


def test_record_page_on_phone_flow(facility_a, officer_a_client, officer_a):
    inspection = _schedule(facility_a, officer_a)
    url = reverse("monitoring:inspection_record", args=[inspection.pk])
    page = officer_a_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "消防设施、器材完好有效" in body and 'capture="environment"' in body
    items = list(inspection.template.items.all())
    data = {f"item_{i.pk}": "yes" for i in items}
    data[f"item_{items[1].pk}"] = "no"
    data.update(lng=str(LNG), lat=str(LAT), accuracy="8")
    # A failed item without a description is sent back.
    response = officer_a_client.post(url, data)
    assert response.status_code == 200 and "不符合的检查项请描述问题" in response.content.decode()
    data[f"note_{items[1].pk}"] = "安全出口堆放杂物"
    data[f"photo_{items[1].pk}"] = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    response = officer_a_client.post(url, data)
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    finding = Finding.objects.get()
    assert (finding.description, finding.severity) == ("安全出口堆放杂物", "critical")
    detail = officer_a_client.get(inspection.get_absolute_url()).content.decode()
    assert "不合格" in detail and "安全出口堆放杂物" in detail
    photo = InspectionPhoto.objects.get()
    assert officer_a_client.get(reverse("monitoring:photo", args=[photo.pk])).status_code == 200


def test_scope_of_inspection_pages(
    facility_a, officer_a, officer_b_client, operator_client, auditor_client, anon_client
):
    inspection = _schedule(facility_a, officer_a)
    services.inspection_record(inspection=inspection, actor=officer_a, answers=_answers(inspection))
    detail = reverse("monitoring:inspection_detail", args=[inspection.pk])
    record = reverse("monitoring:inspection_record", args=[inspection.pk])
    assert officer_b_client.get(detail).status_code == 404
    assert operator_client.get(detail).status_code == 200  # their own facility
    assert operator_client.get(record).status_code == 403
    assert auditor_client.get(detail).status_code == 403
    assert anon_client.get(detail).status_code == 302


def test_public_selector_and_include_show_date_and_result_only(facility_a, officer_a):
    assert latest_public_inspection(facility_a) is None
    older = _schedule(facility_a, officer_a)
    services.inspection_record(
        inspection=older,
        actor=officer_a,
        answers=_answers(older, {1}),
        inspected_at=timezone.now() - timedelta(days=40),
    )
    newer = _schedule(facility_a, officer_a, topic=Topic.FOOD_SAFETY)
    services.inspection_record(inspection=newer, actor=officer_a, answers=_answers(newer))
    _schedule(facility_a, officer_a, topic=Topic.FEES)  # scheduled: not shown
    shown = latest_public_inspection(facility_a)
    assert (shown.result, shown.result_label) == ("pass", "合格")
    assert shown.inspected_on == timezone.localdate(Inspection.objects.get(pk=newer.pk).inspected_at)
    html = Template('{% include "monitoring/_public_inspection.html" %}').render(
        Context({"facility": facility_a})
    )
    assert "最近一次监管检查" in html and "合格" in html
    assert "officer_a" not in html and "问题" not in html
    empty = FacilityFactory(name="无检查")
    assert "暂无检查记录" in Template('{% include "monitoring/_public_inspection.html" %}').render(
        Context({"facility": empty})
    )


def test_inspection_export_is_xlsx_with_safe_cells(facility_a, officer_a, staff_client):
    from io import BytesIO

    from openpyxl import load_workbook

    facility_a.name = "=HYPERLINK(1)"
    facility_a.save()
    inspection = _schedule(facility_a, officer_a)
    services.inspection_record(inspection=inspection, actor=officer_a, answers=_answers(inspection, {2}))
    response = staff_client.get(reverse("monitoring:inspection_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("设施", "镇街", "检查主题")
    # A string cell (never a formula), shown as typed: no apostrophe (issue 22).
    assert rows[1][0] == "=HYPERLINK(1)" and sheet["A2"].data_type == "s"
    assert rows[1][1] == "合阳城街道" and rows[1][7] == "不合格"
    assert rows[1][10] == 1
    assert AuditEvent.objects.filter(action="export", reason="inspections_xlsx").count() == 1


def test_cancel_needs_a_reason_and_only_while_scheduled(
    facility_a, officer_a, officer_a_client, operator_client
):
    inspection = _schedule(facility_a, officer_a)
    url = reverse("monitoring:inspection_cancel", args=[inspection.pk])
    assert operator_client.post(url, {"reason": "x"}).status_code == 403
    officer_a_client.post(url, {"reason": ""})
    assert Inspection.objects.get().status == "scheduled"
    officer_a_client.post(url, {"reason": "机构已停业"})
    inspection.refresh_from_db()
    assert (inspection.status, inspection.notes) == ("cancelled", "机构已停业")
    assert AuditEvent.objects.filter(reason="inspection_cancel: 机构已停业").count() == 1

    with pytest.raises(PortalError, match="invalid_transition"):
        services.inspection_record(inspection=inspection, actor=officer_a, answers=_answers(inspection))
