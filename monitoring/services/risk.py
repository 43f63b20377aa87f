"""Risk and schedule: each facility's risk score and the date it is next due for inspection."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

from django.db.models import Count, Max, Q
from django.http import HttpRequest
from django.utils import timezone

from facilities.models import BED_KINDS, CHILDCARE_KINDS, Facility, FacilityStatus, FilingStatus
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require

from .. import access, rules
from ..models import FacilityRisk, FindingStatus, InspectionStatus, StaffQualification
from ..standards import config


def _staff_counts(facility_ids: list[int], today: dt.date) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    rows = (
        StaffQualification.objects.valid_on(today)
        .filter(facility_id__in=facility_ids)
        .values("facility_id", "role")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["facility_id"], {})[row["role"]] = row["n"]
    return counts


def risk_refresh(
    *,
    actor: Any,
    facility_ids: list[int] | None = None,
    today: dt.date | None = None,
    request: HttpRequest | None = None,
) -> int:
    """Recompute every (or the given) facility's risk score and next due date.

    One annotated query reads the factors, pure rules score them, one upsert writes them. A full
    run (no `facility_ids`) is audited; the per-facility refreshes that follow an inspection or a
    review are derived data the portal keeps current, run as SYSTEM.
    """
    require(access.can_refresh_risk, actor)
    cfg = config()
    today = today or timezone.localdate()
    recent = today - timedelta(days=cfg["risk_recent_days"])
    qs = Facility.objects.exclude(status=FacilityStatus.CLOSED)
    if facility_ids is not None:
        qs = qs.filter(pk__in=facility_ids)
    recent_q = Q(findings__inspection__inspected_at__date__gte=recent)
    rows_in = qs.annotate(
        f_minor=Count("findings", filter=recent_q & Q(findings__severity="minor"), distinct=True),
        f_major=Count("findings", filter=recent_q & Q(findings__severity="major"), distinct=True),
        f_critical=Count("findings", filter=recent_q & Q(findings__severity="critical"), distinct=True),
        f_overdue=Count(
            "findings",
            filter=Q(findings__deadline__lt=today) & ~Q(findings__status=FindingStatus.CLOSED),
            distinct=True,
        ),
        last_inspected=Max(
            "inspections__inspected_at", filter=Q(inspections__status=InspectionStatus.COMPLETED)
        ),
    ).values(
        "pk",
        "kind",
        "licence_expiry",
        "filing_status",
        "beds_total",
        "beds_occupied",
        "places_total",
        "places_occupied",
        "f_minor",
        "f_major",
        "f_critical",
        "f_overdue",
        "last_inspected",
    )
    facilities = list(rows_in)
    staff = _staff_counts([f["pk"] for f in facilities], today)
    now = timezone.now()
    rows = []
    full = cfg["capacity_full_ratio"]
    for f in facilities:
        required = rules.staffing_required(
            needs_caregivers=f["kind"] in BED_KINDS,
            is_childcare=f["kind"] in CHILDCARE_KINDS,
            beds_occupied=f["beds_occupied"],
            places_occupied=f["places_occupied"],
            cfg=cfg,
        )
        shortfalls = rules.staffing_shortfalls(required, staff.get(f["pk"], {}))
        expiry = f["licence_expiry"]
        factors = rules.RiskFactors(
            findings_minor=f["f_minor"],
            findings_major=f["f_major"],
            findings_critical=f["f_critical"],
            overdue_findings=f["f_overdue"],
            licence_expired=bool(expiry and expiry < today),
            licence_expiring=bool(
                expiry and today <= expiry <= today + timedelta(days=cfg["licence_warning_days"])
            ),
            filing_missing=f["kind"] in CHILDCARE_KINDS
            and f["filing_status"] in {FilingStatus.PENDING, FilingStatus.REJECTED},
            capacity_full=(f["beds_total"] > 0 and f["beds_occupied"] >= full * f["beds_total"])
            or (f["places_total"] > 0 and f["places_occupied"] >= full * f["places_total"]),
            staff_breaches=len(shortfalls),
        )
        score, band = rules.risk_score(factors, cfg)
        last = timezone.localdate(f["last_inspected"]) if f["last_inspected"] else None
        rows.append(
            FacilityRisk(
                facility_id=f["pk"],
                score=score,
                band=band,
                factors={**factors.__dict__, "staff_required": required, "staff_shortfalls": shortfalls},
                last_inspected_on=last,
                next_due_on=rules.next_inspection_due(
                    last_inspected_on=last, band=band, today=today, cfg=cfg
                ),
                computed_at=now,
            )
        )
    FacilityRisk.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["facility"],
        update_fields=["score", "band", "factors", "last_inspected_on", "next_due_on", "computed_at"],
    )
    if facility_ids is None:
        audit_record(
            action=AuditAction.RUN,
            actor=audit_user(actor),
            request=request,
            object_type="monitoring.facilityrisk",
            reason="risk_refresh",
            changes={"facilities": len(rows)},
        )
    return len(rows)
