"""Findings: the lists, the district list of escalated ones, evidence and review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hechuan_portal.common.errors import PortalError, form_error
from hechuan_portal.common.listing import sorted_page
from hechuan_portal.common.uploads import serve_upload

from .. import access, selectors, services
from ..forms import EvidenceForm, ReviewForm
from ..models import Finding, FindingEvidence
from ..rules import finding_actions_for
from .base import monitoring_user


@monitoring_user
def evidence(request, pk):
    visible = Finding.objects.visible_to(request.user)
    return serve_upload(
        request, FindingEvidence.objects.filter(finding__in=visible), pk, town="finding__facility__town"
    )


FINDING_COLUMNS = {
    "deadline": "deadline",
    "facility": "facility__name",
    "town": ("facility__town_id", "facility__name"),
    "severity": "severity",
    "status": "status",
}


@monitoring_user
def finding_list(request):
    filterset = selectors.finding_list(user=request.user, data=request.GET or None)
    return render(
        request,
        "monitoring/finding_list.html",
        {
            "filter": filterset,
            "rows": sorted_page(request, filterset.qs, columns=FINDING_COLUMNS),
            "today": timezone.localdate(),
        },
    )


@monitoring_user
def finding_escalated(request):
    if not access.can_view_escalated(request.user):
        raise PermissionDenied
    return render(
        request,
        "monitoring/finding_escalated.html",
        {
            "rows": sorted_page(
                request, selectors.escalated_findings(user=request.user), columns=FINDING_COLUMNS
            ),
            "today": timezone.localdate(),
        },
    )


@monitoring_user
def finding_detail(request, pk):
    finding = get_object_or_404(selectors.finding_detail_qs(request.user), pk=pk)
    actions = finding_actions_for(finding.status, access.finding_actors(request.user, finding))
    evidence_form = EvidenceForm() if "submit" in actions else None
    review_form = ReviewForm() if "accept" in actions else None
    if request.method == "POST":
        try:
            if request.POST.get("step") == "submit" and "submit" in actions:
                evidence_form = EvidenceForm(request.POST, request.FILES)
                if evidence_form.is_valid():
                    services.finding_submit_evidence(
                        finding=finding,
                        actor=request.user,
                        files=evidence_form.cleaned_data["files"],
                        note=evidence_form.cleaned_data["note"],
                        request=request,
                    )
                    messages.success(request, _("整改材料已提交，等待检查人员验收。"))
                    return redirect(finding)
            elif request.POST.get("step") == "review" and "accept" in actions:
                review_form = ReviewForm(request.POST)
                if review_form.is_valid():
                    services.finding_review(
                        finding=finding,
                        actor=request.user,
                        action=review_form.cleaned_data["action"],
                        reason=review_form.cleaned_data["reason"],
                        request=request,
                    )
                    messages.success(request, _("验收结果已保存。"))
                    return redirect(finding)
            else:
                raise PermissionDenied
        except PortalError as exc:
            target = evidence_form if request.POST.get("step") == "submit" else review_form
            form_error(target, exc)
    return render(
        request,
        "monitoring/finding_detail.html",
        {
            "finding": finding,
            "evidence_form": evidence_form,
            "review_form": review_form,
            "today": timezone.localdate(),
        },
    )
