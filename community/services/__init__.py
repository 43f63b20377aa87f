"""Every write of the community app, one module per sub-domain, all importable from here:
- `meals`: cost-sharing policies, donations, meal imports (file and phone form);
- `claims`: monthly claims, their review and approval, the payment roll and its bank file;
- `timebank`: volunteers, their services and the ledger of hours;
- `care`: bathing and cleaning plans, visit records and callbacks.

Each service takes the acting user (`actor`, or `SYSTEM`), checks it with `access`, writes in one
transaction and records an audit event.
"""

from .care import MAX_PHOTO_BYTES, care_callback, care_plan_set, care_record_create
from .claims import (
    BANK_COLUMNS,
    CLAIMS_SQL,
    claim_approve,
    claim_return,
    claim_review,
    claims_compute,
    roll_bank_file,
    roll_close,
    roll_draft,
)
from .meals import MAX_KEPT_ERRORS, STAGE_COLUMNS, donation_record, meal_record, meals_import, policy_create
from .timebank import (
    hours_expire,
    hours_redeem,
    hours_transfer,
    service_confirm,
    service_record,
    volunteer_register,
)

__all__ = [
    "BANK_COLUMNS",
    "CLAIMS_SQL",
    "MAX_KEPT_ERRORS",
    "MAX_PHOTO_BYTES",
    "STAGE_COLUMNS",
    "care_callback",
    "care_plan_set",
    "care_record_create",
    "claim_approve",
    "claim_return",
    "claim_review",
    "claims_compute",
    "donation_record",
    "hours_expire",
    "hours_redeem",
    "hours_transfer",
    "meal_record",
    "meals_import",
    "policy_create",
    "roll_bank_file",
    "roll_close",
    "roll_draft",
    "service_confirm",
    "service_record",
    "volunteer_register",
]
