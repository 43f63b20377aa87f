"""Every write of elder care (and the grading it shares with the preview contract), one module per
sub-domain, all importable from here.

Keyword-only, typed, one transaction each, with an audit row; `actor` is a user or `SYSTEM`, asked of
`eldercare/access.py` before anything is written.
"""

from .adaptation import (
    adaptation_accept,
    adaptation_apply,
    adaptation_assess_needs,
    adaptation_quote,
    adaptation_start_works,
)
from .assessments import (
    assessment_preview,
    assessment_record,
    assessment_sign,
    coverage_ensure,
    coverage_refresh,
    grade_answers,
)
from .care_beds import (
    care_bed_agree,
    care_bed_apply,
    care_bed_claim_approve,
    care_bed_claim_review,
    care_bed_claims_build,
    care_bed_claims_pay,
    care_bed_record_month,
    care_bed_set_up,
)
from .ltc import LTC_COLUMNS, ltc_export, ltc_export_file
from .placements import placement_end, placement_start

__all__ = [
    "LTC_COLUMNS",
    "adaptation_accept",
    "adaptation_apply",
    "adaptation_assess_needs",
    "adaptation_quote",
    "adaptation_start_works",
    "assessment_preview",
    "assessment_record",
    "assessment_sign",
    "care_bed_agree",
    "care_bed_apply",
    "care_bed_claim_approve",
    "care_bed_claim_review",
    "care_bed_claims_build",
    "care_bed_claims_pay",
    "care_bed_record_month",
    "care_bed_set_up",
    "coverage_ensure",
    "coverage_refresh",
    "grade_answers",
    "ltc_export",
    "ltc_export_file",
    "placement_end",
    "placement_start",
]
