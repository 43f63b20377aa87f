"""Every write of the monitoring app: inspections, findings, plans and draws, risk, staff, visits."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import HttpRequest
from django.utils import timezone

from facilities.models import BED_KINDS, CHILDCARE_KINDS, Facility, FacilityStatus, FilingStatus
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction, Role, User
from hechuan_portal.accounts.scope import is_district

from . import rules
from .access import can_record_inspection, finding_actors, is_inspector_user
from .error_codes import MonitoringError
from .models import (
    Answer,
    ChecklistItem,
    ChecklistTemplate,
    FacilityRisk,
    Finding,
    FindingEvidence,
    FindingStatus,
    FindingTransition,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionPlan,
    InspectionStatus,
    InspectorConflict,
    PlanDraw,
    PlanStatus,
    StaffQualification,
    WelfareVisit,
)
from .standards import config

# ---------------------------------------------------------------------------------------------
# Files


_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def sniff_type(head: bytes, *, allow_pdf: bool) -> tuple[str, str]:
    """Content type and extension from the file's first bytes (the name and header are not trusted)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    for magic, ctype, ext in _SIGNATURES:
        if head.startswith(magic) and (allow_pdf or ctype != "application/pdf"):
            return ctype, ext
    raise MonitoringError("file_type")


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int
    content_type: str

    def fields(self, user: User) -> dict:
        """The StoredUpload columns for a row recording this file."""
        return {
            "file": self.name,
            "sha256": self.sha256,
            "size": self.size,
            "content_type": self.content_type,
            "uploaded_by": user,
        }


def store_file(upload, *, allow_pdf: bool = False) -> StoredFile:
    """Write an upload under MEDIA_ROOT at a content-addressed path (monitoring/ab/abcd….ext)."""
    limit = config()["max_upload_bytes"]
    if upload.size is not None and upload.size > limit:
        raise MonitoringError("file_too_large")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise MonitoringError("file_too_large")
    ctype, ext = sniff_type(data[:16], allow_pdf=allow_pdf)
    digest = hashlib.sha256(data).hexdigest()
    name = f"monitoring/{digest[:2]}/{digest}.{ext}"
    # Same content, same name: a second upload of the same photo reuses the stored file.
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:
            # A concurrent upload of the same content stored it first; keep that one.
            default_storage.delete(saved)
    return StoredFile(name=name, sha256=digest, size=len(data), content_type=ctype)


# ---------------------------------------------------------------------------------------------
# Templates


def template_for(facility: Facility, topic: str) -> ChecklistTemplate | None:
    """The newest active version of the template for this topic that covers the facility's kind."""
    return (
        ChecklistTemplate.objects.filter(topic=topic, is_active=True, kinds__contains=[facility.kind])
        .order_by("-version", "code")
        .first()
    )


@transaction.atomic
def template_new_version(
    *, template: ChecklistTemplate, items: list[dict], user: User, name: str = ""
) -> ChecklistTemplate:
    """Save `items` as the next version of `template`'s code; the previous versions stay as they
    were (inspections keep the version they used) and stop being offered for new inspections."""
    latest = (
        ChecklistTemplate.objects.select_for_update().filter(code=template.code).order_by("-version").first()
    )
    new = ChecklistTemplate.objects.create(
        code=template.code,
        version=latest.version + 1,
        name=name or template.name,
        topic=template.topic,
        kinds=template.kinds,
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            template=new,
            position=n,
            text=it["text"],
            basis=it.get("basis", ""),
            weight=it.get("weight", 10),
            severity=it["severity"],
        )
        for n, it in enumerate(items, start=1)
    )
    ChecklistTemplate.objects.filter(code=template.code).exclude(pk=new.pk).update(is_active=False)
    audit_record(action=AuditAction.CREATE, actor=user, obj=new, changes={"version": new.version})
    return new


# ---------------------------------------------------------------------------------------------
# Inspections


@transaction.atomic
def inspection_create(
    *,
    facility: Facility,
    topic: str,
    due_on: date,
    user: User,
    plan: InspectionPlan | None = None,
    inspectors: Iterable[User] = (),
    request: HttpRequest | None = None,
) -> Inspection:
    """Schedule an inspection of `facility` against the current template version of `topic`."""
    if not is_inspector_user(user):
        raise MonitoringError("not_allowed")
    template = template_for(facility, topic)
    if template is None:
        raise MonitoringError("no_template")
    inspection = Inspection.objects.create(
        facility=facility, template=template, due_on=due_on, plan=plan, is_demo=facility.is_demo
    )
    inspection.inspectors.set(list(inspectors))
    audit_record(
        action=AuditAction.CREATE, actor=user, request=request, obj=inspection, area_code=facility.town_id
    )
    return inspection


@dataclass(frozen=True)
class AnswerInput:
    item_id: int
    answer: str
    note: str = ""


@transaction.atomic
def inspection_record(
    *,
    inspection: Inspection,
    user: User,
    answers: list[AnswerInput],
    notes: str = "",
    lng: float | None = None,
    lat: float | None = None,
    accuracy_m: float | None = None,
    location_note: str = "",
    photos: Iterable[tuple[int | None, object]] = (),
    inspected_at=None,
    request: HttpRequest | None = None,
) -> Inspection:
    """Record the answers of a scheduled inspection and complete it.

    Checks the device location against the facility (too far → flagged, and refused without the
    inspector's explanation), scores it, stores the photos with their hashes, turns every failed
    item into a finding with a deadline, and refreshes the facility's risk after commit.
    """
    cfg = config()
    inspection = (
        Inspection.objects.select_for_update().select_related("facility", "template").get(pk=inspection.pk)
    )
    ensure_may_record(inspection, user)
    items = {i.pk: i for i in inspection.template.items.all()}
    by_item = {a.item_id: a for a in answers if a.item_id in items}
    if set(by_item) != set(items) or any(a.answer not in Answer.values for a in by_item.values()):
        raise MonitoringError("answers_incomplete")

    facility = inspection.facility
    distance = None
    if lng is not None and lat is not None:
        distance = rules.distance_m(lng, lat, facility.location.x, facility.location.y)
    check = rules.location_check(distance, cfg)
    location_note = location_note.strip()
    if check == "too_far" and not location_note:
        raise MonitoringError("location_note_required", field="location_note")

    score, result = rules.score_and_result(
        (rules.AnswerLine(items[i].weight, a.answer, items[i].severity) for i, a in by_item.items()), cfg
    )
    now = inspected_at or timezone.now()
    inspection.status = InspectionStatus.COMPLETED
    inspection.inspected_at = now
    inspection.recorded_by = user
    inspection.device_location = Point(lng, lat, srid=4326) if distance is not None else None
    inspection.location_accuracy_m = round(accuracy_m) if accuracy_m is not None else None
    inspection.distance_m = round(distance) if distance is not None else None
    inspection.location_check = check
    inspection.location_note = location_note[:255]
    inspection.score = score
    inspection.result = result
    inspection.notes = notes
    inspection.save()
    inspection.inspectors.add(user)

    InspectionAnswer.objects.bulk_create(
        InspectionAnswer(inspection=inspection, item_id=i, answer=a.answer, note=a.note[:255])
        for i, a in sorted(by_item.items())
    )
    seen: set[str] = set()
    photo_rows = []
    for item_id, upload in photos:
        stored = store_file(upload)
        if stored.sha256 in seen:
            continue
        seen.add(stored.sha256)
        photo_rows.append(
            InspectionPhoto(
                inspection=inspection,
                item_id=item_id if item_id in items else None,
                **stored.fields(user),
            )
        )
    InspectionPhoto.objects.bulk_create(photo_rows)

    inspected_on = timezone.localdate(now)
    findings = Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            facility=facility,
            item_id=i,
            description=(a.note or items[i].text)[:500],
            severity=items[i].severity,
            deadline=rules.rectify_deadline(inspected_on, items[i].severity, cfg),
        )
        for i, a in sorted(by_item.items())
        if a.answer == Answer.NO
    )
    FindingTransition.objects.bulk_create(
        FindingTransition(
            finding=f, from_status="", to_status=FindingStatus.OPEN, action="create", actor=user
        )
        for f in findings
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=user,
        request=request,
        obj=inspection,
        area_code=facility.town_id,
        reason="inspection_record",
        changes={
            "result": result,
            "score": str(score),
            "location_check": check,
            "findings": len(findings),
            "photos": len(photo_rows),
        },
    )
    transaction.on_commit(lambda: risk_refresh(facility_ids=[facility.pk]))
    return inspection


@transaction.atomic
def inspection_cancel(
    *, inspection: Inspection, user: User, reason: str, request: HttpRequest | None = None
) -> Inspection:
    """Cancel a scheduled inspection (facility closed, duplicate…); the reason is audited."""
    inspection = Inspection.objects.select_for_update().select_related("facility").get(pk=inspection.pk)
    if not can_record_inspection(user, inspection):
        raise MonitoringError("not_allowed")
    if not reason.strip():
        raise MonitoringError("reason_required", field="reason")
    inspection.status = rules.transition(
        rules.INSPECTION_TRANSITIONS, inspection.status, "cancel", {"inspector"}
    )
    inspection.notes = reason[:2000]
    inspection.save(update_fields=["status", "notes"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=user,
        request=request,
        obj=inspection,
        area_code=inspection.facility.town_id,
        reason=f"inspection_cancel: {reason}"[:255],
        changes={"status": inspection.status},
    )
    return inspection


# ---------------------------------------------------------------------------------------------
# Findings and the rectification loop


def _move(*, finding: Finding, action: str, actors: set[str], user: User | None, reason: str) -> Finding:
    """Apply one state-machine step to a locked finding and log it."""
    to_status = rules.finding_transition(finding.status, action, actors)
    if action in rules.REASON_REQUIRED and not reason.strip():
        raise MonitoringError("reason_required", field="reason")
    from_status = finding.status
    finding.status = to_status
    now = timezone.now()
    if to_status == FindingStatus.CLOSED:
        finding.closed_at = now
    if to_status == FindingStatus.ESCALATED:
        finding.escalated_at = now
    finding.save(update_fields=["status", "closed_at", "escalated_at", "updated_at"])
    FindingTransition.objects.create(
        finding=finding,
        from_status=from_status,
        to_status=to_status,
        action=action,
        actor=user,
        reason=reason[:500],
    )
    return finding


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().select_related("facility", "inspection").get(pk=finding.pk)


# The rule checks below come first in the API views too, before the body is read: someone who may
# not act learns nothing from a validation error (SECURITY.md). The services repeat them under lock.


def ensure_may_record(inspection: Inspection, user: User) -> None:
    """MonitoringError or TransitionError unless `user` may record `inspection` now."""
    if not can_record_inspection(user, inspection):
        raise MonitoringError("not_allowed")
    rules.transition(rules.INSPECTION_TRANSITIONS, inspection.status, "record", {"inspector"})


def ensure_may_submit(finding: Finding, user: User) -> set[str]:
    """TransitionError unless `user` may submit evidence for `finding` now; returns their actors."""
    actors = finding_actors(user, finding)
    rules.finding_transition(finding.status, "submit", actors)
    return actors


def ensure_may_review(finding: Finding, user: User) -> None:
    """MonitoringError unless `user` is among those who accept or return evidence."""
    if not finding_actors(user, finding) & rules.REVIEWERS:
        raise MonitoringError("not_allowed")


@transaction.atomic
def finding_submit_evidence(
    *, finding: Finding, user: User, files: list, note: str = "", request: HttpRequest | None = None
) -> Finding:
    """The operator uploads evidence of the fix (at least one file) and sends it for acceptance."""
    finding = _locked(finding)
    # Check the move before writing any file: a refused submit stores nothing.
    actors = ensure_may_submit(finding, user)
    if not files:
        raise MonitoringError("evidence_required", field="files")
    rows = []
    for upload in files:
        stored = store_file(upload, allow_pdf=True)
        rows.append(
            FindingEvidence(
                finding=finding,
                note=note[:500],
                **stored.fields(user),
            )
        )
    FindingEvidence.objects.bulk_create(rows)
    _move(finding=finding, action="submit", actors=actors, user=user, reason=note)
    audit_record(
        action=AuditAction.UPDATE,
        actor=user,
        request=request,
        obj=finding,
        area_code=finding.facility.town_id,
        reason="finding_submit",
        changes={"status": finding.status, "files": len(rows)},
    )
    return finding


@transaction.atomic
def finding_review(
    *, finding: Finding, user: User, action: str, reason: str = "", request: HttpRequest | None = None
) -> Finding:
    """The inspector accepts the fix (closed) or returns it with a reason."""
    if action not in {"accept", "return"}:
        raise MonitoringError("unknown_action")
    finding = _locked(finding)
    _move(finding=finding, action=action, actors=finding_actors(user, finding), user=user, reason=reason)
    audit_record(
        action=AuditAction.UPDATE,
        actor=user,
        request=request,
        obj=finding,
        area_code=finding.facility.town_id,
        reason=f"finding_{action}",
        changes={"status": finding.status},
    )
    transaction.on_commit(lambda: risk_refresh(facility_ids=[finding.facility_id]))
    return finding


@transaction.atomic
def findings_escalate_overdue(*, today: date | None = None) -> int:
    """Move every open or returned finding past its deadline to 逾期上报 (the district list), in one
    UPDATE, logging each move. Safe to run twice: escalated findings are no longer selected."""
    today = today or timezone.localdate()
    sources = [s for (s, a) in rules.FINDING_TRANSITIONS if a == "escalate"]
    now = timezone.now()
    rows = list(
        Finding.objects.select_for_update(skip_locked=True)
        .filter(status__in=sources, deadline__lt=today)
        .order_by("pk")
        .values_list("pk", "status")
    )
    if not rows:
        return 0
    Finding.objects.filter(pk__in=[pk for pk, _ in rows]).update(
        status=FindingStatus.ESCALATED, escalated_at=now, updated_at=now
    )
    FindingTransition.objects.bulk_create(
        FindingTransition(
            finding_id=pk,
            from_status=status,
            to_status=rules.finding_transition(status, "escalate", {"system"}),
            action="escalate",
            actor=None,
            reason="逾期未整改，自动上报区级",
        )
        for pk, status in rows
    )
    audit_record(
        action=AuditAction.RUN,
        object_type="monitoring.finding",
        reason="findings_escalate_overdue",
        changes={"escalated": len(rows)},
    )
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Plans and the 双随机 draw


@transaction.atomic
def plan_create(*, user: User, request: HttpRequest | None = None, **fields) -> InspectionPlan:
    """A new plan; an officer's plan is always for their own town."""
    if not is_inspector_user(user):
        raise MonitoringError("not_allowed")
    if not is_district(user):
        fields["town_id"] = user.area_id
        fields.pop("town", None)
    plan = InspectionPlan.objects.create(created_by=user, **fields)
    audit_record(
        action=AuditAction.CREATE, actor=user, request=request, obj=plan, area_code=plan.town_id or ""
    )
    return plan


def default_inspector_pool(plan: InspectionPlan) -> list[User]:
    """Active officers of the plan's town, and district staff; for a district plan every officer."""
    qs = User.objects.filter(is_active=True).filter(
        Q(role__in=[Role.DISTRICT_ADMIN, Role.DISTRICT_STAFF]) | Q(role=Role.TOWN_OFFICER, area__isnull=False)
    )
    if plan.town_id:
        qs = qs.filter(Q(role__in=[Role.DISTRICT_ADMIN, Role.DISTRICT_STAFF]) | Q(area_id=plan.town_id))
    return list(qs.order_by("pk"))


def plan_population(plan: InspectionPlan):
    """Operating facilities in the plan's area and kinds that a template of its topic covers."""
    kinds = set().union(
        *ChecklistTemplate.objects.filter(topic=plan.topic, is_active=True).values_list("kinds", flat=True)
    )
    if plan.facility_kinds:
        kinds &= set(plan.facility_kinds)
    qs = Facility.objects.filter(status=FacilityStatus.OPERATING, kind__in=kinds)
    if plan.town_id:
        qs = qs.filter(town_id=plan.town_id)
    return qs


@transaction.atomic
def plan_draw(
    *,
    plan: InspectionPlan,
    user: User,
    seed: int | None = None,
    inspectors: list[User] | None = None,
    request: HttpRequest | None = None,
) -> PlanDraw:
    """Draw targets and inspectors once, record the seed, inputs, result and log, and schedule an
    inspection per target. Conflicts: an inspector who operates a facility or declared a link."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT or PlanDraw.objects.filter(plan=plan).exists():
        raise MonitoringError("already_drawn")
    if not is_inspector_user(user):
        raise MonitoringError("not_allowed")
    pool = inspectors if inspectors is not None else default_inspector_pool(plan)
    if any(not is_inspector_user(u) for u in pool):
        raise MonitoringError("not_inspector")
    population = list(plan_population(plan).select_related("risk").order_by("pk"))
    if not population:
        raise MonitoringError("no_targets")
    missing_risk = [f.pk for f in population if not hasattr(f, "risk")]
    if missing_risk:
        risk_refresh(facility_ids=missing_risk)
        population = list(plan_population(plan).select_related("risk").order_by("pk"))
    facilities = [
        rules.DrawFacility(id=f.pk, kind=f.kind, band=f.risk.band, town=f.town_id) for f in population
    ]
    people = [rules.DrawInspector(id=u.pk, town=None if is_district(u) else u.area_id) for u in pool]
    pool_ids = [u.pk for u in pool]
    fac_ids = [f.pk for f in population]
    conflicts: dict[tuple[int, int], str] = {}
    for uid, fid in Facility.operators.through.objects.filter(
        user_id__in=pool_ids, facility_id__in=fac_ids
    ).values_list("user_id", "facility_id"):
        conflicts[(uid, fid)] = "operator"
    for uid, fid, reason in InspectorConflict.objects.filter(
        inspector_id__in=pool_ids, facility_id__in=fac_ids
    ).values_list("inspector_id", "facility_id", "reason"):
        conflicts.setdefault((uid, fid), reason or "declared")
    if seed is None:
        seed = secrets.randbits(62)
    result = rules.draw(
        seed=seed,
        facilities=facilities,
        inspectors=people,
        conflicts=conflicts,
        sample_rate=plan.sample_rate,
        high_risk_rate=plan.high_risk_rate,
        per_target=plan.inspectors_per_target,
    )
    record = PlanDraw.objects.create(
        plan=plan,
        seed=seed,
        inputs={
            **rules.draw_inputs_json(facilities, people, conflicts),
            "sample_rate": str(plan.sample_rate),
            "high_risk_rate": str(plan.high_risk_rate),
            "per_target": plan.inspectors_per_target,
        },
        result=result.targets,
        log=result.log,
        drawn_by=user,
    )
    by_pk = {f.pk: f for f in population}
    users = {u.pk: u for u in pool}
    for target in result.targets:
        facility = by_pk[target["facility"]]
        inspection = Inspection.objects.create(
            plan=plan,
            facility=facility,
            template=template_for(facility, plan.topic),
            due_on=plan.ends_on,
            is_demo=plan.is_demo,
        )
        inspection.inspectors.set([users[i] for i in target["inspectors"]])
    plan.status = PlanStatus.DRAWN
    plan.save(update_fields=["status"])
    audit_record(
        action=AuditAction.RUN,
        actor=user,
        request=request,
        obj=plan,
        area_code=plan.town_id or "",
        reason="plan_draw",
        changes={"seed": str(seed), "targets": len(result.targets)},
    )
    return record


def redraw(record: PlanDraw) -> rules.DrawResult:
    """Re-run a recorded draw from its log: the same seed and inputs give the same result."""
    inputs = record.inputs
    return rules.draw(
        seed=record.seed,
        **rules.draw_inputs_from_json(inputs),
        sample_rate=inputs["sample_rate"],
        high_risk_rate=inputs["high_risk_rate"],
        per_target=inputs["per_target"],
    )


# ---------------------------------------------------------------------------------------------
# Risk and schedule


def _staff_counts(facility_ids: list[int], today: date) -> dict[int, dict[str, int]]:
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


def risk_refresh(*, facility_ids: list[int] | None = None, today: date | None = None) -> int:
    """Recompute every (or the given) facility's risk score and next due date.

    One annotated query reads the factors, pure rules score them, one upsert writes them.
    """
    cfg = config()
    today = today or timezone.localdate()
    recent = today - timedelta(days=cfg["risk_recent_days"])
    qs = Facility.objects.exclude(status=FacilityStatus.CLOSED)
    if facility_ids is not None:
        qs = qs.filter(pk__in=facility_ids)
    recent_q = Q(findings__inspection__inspected_at__date__gte=recent)
    qs = qs.annotate(
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
    facilities = list(qs)
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
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Staff qualifications


@transaction.atomic
def staff_save(
    *, facility: Facility, user: User, data: dict, instance: StaffQualification | None = None, request=None
) -> StaffQualification:
    """Create or update one staff certificate and refresh the facility's staffing flags."""
    row = instance or StaffQualification(facility=facility)
    for key in ("name", "role", "certificate_number", "certificate_expiry", "active"):
        if key in data:
            setattr(row, key, data[key])
    row.save()
    audit_record(
        action=AuditAction.UPDATE if instance else AuditAction.CREATE,
        actor=user,
        request=request,
        obj=row,
        area_code=facility.town_id,
    )
    transaction.on_commit(lambda: risk_refresh(facility_ids=[facility.pk]))
    return row


# ---------------------------------------------------------------------------------------------
# Visits (探访关爱)


def resident_tier(resident, *, today: date, serious_condition: bool = False) -> str | None:
    return rules.visit_tier(
        age=rules.age_on(resident.birth_date, today),
        lives_alone=resident.lives_alone,
        empty_nest=resident.empty_nest,
        left_behind=resident.left_behind,
        special_family=resident.special_family,
        tekun=resident.tekun,
        disability_grade=resident.disability_grade,
        serious_condition=serious_condition,
        cfg=config(),
    )


@transaction.atomic
def visit_record(
    *,
    resident,
    user: User,
    visited_on: date,
    method: str,
    condition: str,
    needs: list[str] | None = None,
    referrals: list[str] | None = None,
    notes: str = "",
    next_due_on: date | None = None,
    is_demo: bool = False,
    request: HttpRequest | None = None,
) -> WelfareVisit:
    """Record a visit. The next due date defaults to the elder's tier interval (a critical condition
    makes it weekly); the officer may set an earlier or later one."""
    if not is_inspector_user(user):
        raise MonitoringError("not_allowed")
    if resident.town_id is None:
        raise MonitoringError("no_town")
    tier = resident_tier(resident, today=visited_on, serious_condition=condition == "critical")
    if tier is None:
        raise MonitoringError("not_covered")
    if next_due_on is None:
        next_due_on = rules.visit_next_due(visited_on, tier, config())
    if next_due_on <= visited_on:
        raise MonitoringError("next_due_order", field="next_due_on")
    visit = WelfareVisit.objects.create(
        resident=resident,
        town_id=resident.town_id,
        community_id=resident.community_id,
        visited_on=visited_on,
        method=method,
        condition=condition,
        needs=sorted(set(needs or [])),
        referrals=sorted(set(referrals or [])),
        notes=notes,
        next_due_on=next_due_on,
        visitor=user,
        is_demo=is_demo,
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=user,
        request=request,
        obj=visit,
        area_code=resident.community_id or resident.town_id,
        changes={"tier": tier},
    )
    return visit
