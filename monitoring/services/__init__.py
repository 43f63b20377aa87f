"""Every write of the monitoring app, one module per sub-domain, re-exported here.

Each write service takes the acting user as the keyword-only `actor` (a user, or `SYSTEM` for the
nightly jobs and commands), checks it with `require(access.can_…, actor, obj)`, and records the audit
row in the same transaction.
"""

from .checklists import template_for, template_new_version
from .findings import (
    ensure_may_review,
    ensure_may_submit,
    finding_review,
    finding_submit_evidence,
    findings_escalate_overdue,
)
from .inspections import (
    AnswerInput,
    ensure_may_record,
    inspection_cancel,
    inspection_create,
    inspection_record,
)
from .plans import default_inspector_pool, plan_create, plan_draw, plan_population, redraw
from .risk import risk_refresh
from .staff import staff_save
from .visits import resident_tier, visit_due_refresh, visit_record

__all__ = [
    "AnswerInput",
    "default_inspector_pool",
    "ensure_may_record",
    "ensure_may_review",
    "ensure_may_submit",
    "finding_review",
    "finding_submit_evidence",
    "findings_escalate_overdue",
    "inspection_cancel",
    "inspection_create",
    "inspection_record",
    "plan_create",
    "plan_draw",
    "plan_population",
    "redraw",
    "resident_tier",
    "risk_refresh",
    "staff_save",
    "template_for",
    "template_new_version",
    "visit_due_refresh",
    "visit_record",
]
