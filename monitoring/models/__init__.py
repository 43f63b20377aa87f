"""监管与探访: checklist inspections with a rectification loop, staff qualifications, risk-based
scheduling, and visits to elders in special difficulty (探访关爱).

One module per sub-domain; everything is re-exported here, so `from monitoring.models import X` works.
"""

from hechuan_portal.common.uploads import StoredUpload
from hechuan_portal.common.uploads import stored_path as photo_path  # named so by migration 0001

from .checklists import ChecklistItem, ChecklistTemplate, Severity, Topic
from .findings import Finding, FindingEvidence, FindingQuerySet, FindingStatus, FindingTransition
from .inspections import (
    Answer,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionQuerySet,
    InspectionResult,
    InspectionStatus,
    LocationCheck,
)
from .plans import InspectionPlan, InspectionPlanQuerySet, InspectorConflict, PlanDraw, PlanKind, PlanStatus
from .risk import FacilityRisk, FacilityRiskQuerySet, RiskBand
from .staff import StaffQualification, StaffQualificationQuerySet, StaffRole
from .visits import (
    ElderCondition,
    Need,
    Referral,
    VisitDue,
    VisitDueQuerySet,
    VisitMethod,
    WelfareVisit,
    WelfareVisitQuerySet,
)

__all__ = [
    "Answer",
    "ChecklistItem",
    "ChecklistTemplate",
    "ElderCondition",
    "FacilityRisk",
    "FacilityRiskQuerySet",
    "Finding",
    "FindingEvidence",
    "FindingQuerySet",
    "FindingStatus",
    "FindingTransition",
    "Inspection",
    "InspectionAnswer",
    "InspectionPhoto",
    "InspectionPlan",
    "InspectionPlanQuerySet",
    "InspectionQuerySet",
    "InspectionResult",
    "InspectionStatus",
    "InspectorConflict",
    "LocationCheck",
    "Need",
    "PlanDraw",
    "PlanKind",
    "PlanStatus",
    "Referral",
    "RiskBand",
    "Severity",
    "StaffQualification",
    "StaffQualificationQuerySet",
    "StaffRole",
    "StoredUpload",
    "Topic",
    "VisitDue",
    "VisitDueQuerySet",
    "VisitMethod",
    "WelfareVisit",
    "WelfareVisitQuerySet",
    "photo_path",
]
