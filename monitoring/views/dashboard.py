"""The monitoring overview page."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from .. import access, selectors
from .base import monitoring_user


@monitoring_user
def index(request):
    user = request.user
    today = timezone.localdate()
    findings = selectors.finding_list(user=user).qs.unresolved()
    context = {
        "open_findings": findings.count(),
        "overdue_findings": findings.filter(deadline__lt=today).count(),
        "escalated": selectors.escalated_findings(user=user).count(),
        "is_inspector": access.can_inspect(user),
        "can_view_escalated": access.can_view_escalated(user),
        "expiring": selectors.expiring_certificates(user=user, today=today).count(),
        "understaffed": selectors.understaffed_facilities(user=user).count(),
    }
    if access.can_inspect(user):
        due = selectors.due_inspections(user=user, today=today).qs
        context["due_total"] = due.count()
        context["due_overdue"] = due.filter(next_due_on__lt=today).count()
        context["scheduled"] = selectors.scheduled_inspections(user=user)[:20]
        visits = selectors.visit_candidates(user=user, today=today)
        context["visits_overdue"] = visits.filter(due_state__in=["overdue", "never"]).count()
    else:
        context["my_findings"] = findings.select_related("facility", "item")[:20]
    return render(request, "monitoring/index.html", context)
