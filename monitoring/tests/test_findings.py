from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from monitoring import services
from monitoring.models import Finding, FindingEvidence, FindingTransition, Topic

from .conftest import PNG
from .factories import LAT, LNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(facility_a, officer_a):
    inspection = services.inspection_create(
        facility=facility_a, topic=Topic.FIRE_SAFETY, due_on=timezone.localdate(), actor=officer_a
    )
    answers = [
        services.AnswerInput(i.pk, "no" if i.position == 3 else "yes", "未演练" if i.position == 3 else "")
        for i in inspection.template.items.all()
    ]
    services.inspection_record(inspection=inspection, actor=officer_a, answers=answers, lng=LNG, lat=LAT)
    return Finding.objects.get()


def _png():
    return SimpleUploadedFile("fix.png", PNG, content_type="image/png")


def _log(finding):
    return list(
        FindingTransition.objects.filter(finding=finding).values_list("from_status", "to_status", "action")
    )


def test_full_loop_submit_return_submit_accept(finding, operator, officer_a):
    services.finding_submit_evidence(finding=finding, actor=operator, files=[_png()], note="已组织演练")
    services.finding_review(finding=finding, actor=officer_a, action="return", reason="缺少演练记录")
    services.finding_submit_evidence(finding=finding, actor=operator, files=[_png()], note="补充记录")
    services.finding_review(finding=finding, actor=officer_a, action="accept")
    finding.refresh_from_db()
    assert finding.status == "closed" and finding.closed_at is not None
    assert _log(finding) == [
        ("", "open", "create"),
        ("open", "submitted", "submit"),
        ("submitted", "returned", "return"),
        ("returned", "submitted", "submit"),
        ("submitted", "closed", "accept"),
    ]
    reasons = list(FindingTransition.objects.filter(finding=finding).values_list("actor__username", "reason"))
    assert reasons[2] == ("officer_a", "缺少演练记录")
    assert FindingEvidence.objects.filter(finding=finding).count() == 2
    assert AuditEvent.objects.filter(object_type="monitoring.finding").count() == 4


def test_wrong_role_is_refused_and_nothing_changes(finding, operator, officer_a, officer_b, district_staff):
    # The inspector cannot upload the operator's evidence, nor accept before anything was submitted.
    with pytest.raises(PortalError, match="not_allowed"):
        services.finding_submit_evidence(finding=finding, actor=officer_a, files=[_png()])
    with pytest.raises(PortalError, match="invalid_transition"):
        services.finding_review(finding=finding, actor=officer_a, action="accept")
    services.finding_submit_evidence(finding=finding, actor=operator, files=[_png()])
    # The operator cannot accept their own fix; another town's officer is not an inspector here.
    for user in (operator, officer_b):
        with pytest.raises(PortalError, match="not_allowed"):
            services.finding_review(finding=finding, actor=user, action="accept")
    finding.refresh_from_db()
    assert finding.status == "submitted" and len(_log(finding)) == 2
    assert FindingEvidence.objects.count() == 1
    # District staff may accept.
    services.finding_review(finding=finding, actor=district_staff, action="accept")


def test_return_needs_a_reason_and_submit_needs_a_file(finding, operator, officer_a):
    with pytest.raises(PortalError, match="evidence_required"):
        services.finding_submit_evidence(finding=finding, actor=operator, files=[])
    services.finding_submit_evidence(finding=finding, actor=operator, files=[_png()])
    with pytest.raises(PortalError, match="reason_required"):
        services.finding_review(finding=finding, actor=officer_a, action="return", reason="  ")
    finding.refresh_from_db()
    assert finding.status == "submitted"


def test_overdue_findings_are_escalated_once(finding, operator, district_staff):
    today = finding.deadline + timedelta(days=1)
    assert services.findings_escalate_overdue(actor=SYSTEM, today=finding.deadline) == 0
    assert services.findings_escalate_overdue(actor=SYSTEM, today=today) == 1
    assert services.findings_escalate_overdue(actor=SYSTEM, today=today) == 0
    finding.refresh_from_db()
    assert finding.status == "escalated" and finding.escalated_at is not None
    assert _log(finding)[-1] == ("open", "escalated", "escalate")
    assert FindingTransition.objects.filter(finding=finding, action="escalate").get().actor is None
    # The operator can still fix it; it stays on the district list until closed.
    services.finding_submit_evidence(finding=finding, actor=operator, files=[_png()])
    from monitoring.selectors import escalated_findings

    assert list(escalated_findings(user=district_staff)) == [finding]
    services.finding_review(finding=finding, actor=district_staff, action="accept")
    assert list(escalated_findings(user=district_staff)) == []


def test_submitted_findings_are_not_escalated(finding, operator):
    services.finding_submit_evidence(finding=finding, actor=operator, files=[_png()])
    assert services.findings_escalate_overdue(actor=SYSTEM, today=finding.deadline + timedelta(days=30)) == 0


def test_district_list_is_for_district_roles(finding, staff_client, officer_a_client):
    services.findings_escalate_overdue(actor=SYSTEM, today=finding.deadline + timedelta(days=1))
    page = staff_client.get(reverse("monitoring:finding_escalated"))
    assert page.status_code == 200 and "未演练" in page.content.decode()
    assert officer_a_client.get(reverse("monitoring:finding_escalated")).status_code == 403


def test_operator_submits_on_the_page_and_officer_accepts(
    finding, operator_client, officer_a_client, officer_b_client
):
    url = reverse("monitoring:finding_detail", args=[finding.pk])
    page = operator_client.get(url).content.decode()
    assert 'value="submit"' in page and 'value="review"' not in page
    # The operator cannot use the review step.
    assert operator_client.post(url, {"step": "review", "action": "accept"}).status_code == 403
    response = operator_client.post(url, {"step": "submit", "note": "已整改", "files": [_png()]})
    assert response.status_code == 302
    assert officer_b_client.get(url).status_code == 404
    response = officer_a_client.post(url, {"step": "review", "action": "accept", "reason": ""})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "closed"
    evidence = FindingEvidence.objects.get()
    assert operator_client.get(reverse("monitoring:evidence", args=[evidence.pk])).status_code == 200
    assert officer_b_client.get(reverse("monitoring:evidence", args=[evidence.pk])).status_code == 404


def test_api_submit_and_review(finding, operator_client, officer_a_client):
    base = f"/api/v1/monitoring/findings/{finding.pk}/"
    denied = officer_a_client.post(base + "submit/", {"files": [_png()], "note": "x"})
    assert denied.status_code == 403 and denied.json()["code"] == "not_allowed"
    early = officer_a_client.post(base + "review/", {"action": "accept"}, content_type="application/json")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    ok = operator_client.post(base + "submit/", {"files": [_png()], "note": "已整改"})
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"
    bad = officer_a_client.post(base + "review/", {"action": "return"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "reason_required"
    ok = officer_a_client.post(base + "review/", {"action": "accept"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "closed"
    assert [t["to_status"] for t in ok.json()["transitions"]] == ["open", "submitted", "closed"]
