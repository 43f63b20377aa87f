"""养老服务: ability assessments (policy, assessors, assessments, coverage), home adaptation (适老化改造),
family care beds (家庭养老床位) and institution support (兜底床位 and placements), one module per
sub-domain; everything is re-exported here, so `from eldercare.models import X` works."""

from .adaptation import (
    AdaptationCase,
    AdaptationCaseQuerySet,
    AdaptationCategory,
    AdaptationItem,
    AdaptationLine,
    AdaptationPhoto,
    AdaptationPolicy,
    AdaptationStatus,
    PhotoStage,
)
from .assessments import (
    Assessment,
    AssessmentCoverage,
    AssessmentPolicy,
    AssessmentPolicyQuerySet,
    AssessmentQuerySet,
    AssessorQualification,
    AssessorQualificationQuerySet,
    Place,
    _standard_maxima,  # named so by migration 0001 (the policy's `item_max` default)
)
from .care_beds import (
    CareBed,
    CareBedClaim,
    CareBedClaimQuerySet,
    CareBedMonth,
    CareBedPhoto,
    CareBedPolicy,
    CareBedQuerySet,
    CareBedStatus,
    CareService,
    ClaimStatus,
)
from .placements import GuaranteedBeds, Placement, PlacementQuerySet

__all__ = [
    "AdaptationCase",
    "AdaptationCaseQuerySet",
    "AdaptationCategory",
    "AdaptationItem",
    "AdaptationLine",
    "AdaptationPhoto",
    "AdaptationPolicy",
    "AdaptationStatus",
    "Assessment",
    "AssessmentCoverage",
    "AssessmentPolicy",
    "AssessmentPolicyQuerySet",
    "AssessmentQuerySet",
    "AssessorQualification",
    "AssessorQualificationQuerySet",
    "CareBed",
    "CareBedClaim",
    "CareBedClaimQuerySet",
    "CareBedMonth",
    "CareBedPhoto",
    "CareBedPolicy",
    "CareBedQuerySet",
    "CareBedStatus",
    "CareService",
    "ClaimStatus",
    "GuaranteedBeds",
    "PhotoStage",
    "Place",
    "Placement",
    "PlacementQuerySet",
    "_standard_maxima",
]
