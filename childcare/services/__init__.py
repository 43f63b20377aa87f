"""Every write of the childcare app, one module per sub-domain, all importable from here.

Keyword-only, one transaction each, audited; every entry point takes the acting user (`actor`, a user
or `SYSTEM` for jobs) and asks `childcare/access.py` before it writes.
"""

from .enrolment import (
    child_create,
    enrolment_create,
    enrolment_withdraw,
    waitlist_accept,
    waitlist_expire_offers,
    waitlist_join,
    waitlist_offer_next,
)
from .places import class_create, class_update, facility_places_sync
from .screening import checkup_record, checkups_generate, checkups_generate_for, followup_complete
from .vouchers import voucher_batch_issue, voucher_redeem

__all__ = [
    "checkup_record",
    "checkups_generate",
    "checkups_generate_for",
    "child_create",
    "class_create",
    "class_update",
    "enrolment_create",
    "enrolment_withdraw",
    "facility_places_sync",
    "followup_complete",
    "voucher_batch_issue",
    "voucher_redeem",
    "waitlist_accept",
    "waitlist_expire_offers",
    "waitlist_join",
    "waitlist_offer_next",
]
