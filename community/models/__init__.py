"""社区养老服务 (issue 24): 老年助餐 with cost sharing and monthly claims, 时间储蓄 (the time bank), and
助浴助洁 (bathing and cleaning).

One module per sub-domain; everything is re-exported here, so `from community.models import X` works:
- `meals`: person categories, cost-sharing policies, canteen profiles, meals, imports, donations;
- `claims`: monthly claims, their status history and the payment roll;
- `timebank`: volunteers, their services and the ledger of hours;
- `care`: bathing and cleaning plans, visit records and their photos.
"""

from .care import CareKind, CarePhoto, CarePlan, CareQuerySet, CareRecord, CareService, LocationCheck
from .claims import ClaimRoll, ClaimRollQuerySet, ClaimStatus, MealClaim, MealClaimChange, RollStatus
from .meals import (
    CanteenProfile,
    CanteenQuerySet,
    Donation,
    ImportStatus,
    Meal,
    MealImport,
    MealPolicy,
    MealQuerySet,
    MealShare,
    MealWay,
    PersonCategory,
)
from .timebank import (
    LedgerEntry,
    LedgerKind,
    LedgerQuerySet,
    ServiceRecordStatus,
    Volunteer,
    VolunteerQuerySet,
    VolunteerService,
)

__all__ = [
    "CanteenProfile",
    "CanteenQuerySet",
    "CareKind",
    "CarePhoto",
    "CarePlan",
    "CareQuerySet",
    "CareRecord",
    "CareService",
    "ClaimRoll",
    "ClaimRollQuerySet",
    "ClaimStatus",
    "Donation",
    "ImportStatus",
    "LedgerEntry",
    "LedgerKind",
    "LedgerQuerySet",
    "LocationCheck",
    "Meal",
    "MealClaim",
    "MealClaimChange",
    "MealImport",
    "MealPolicy",
    "MealQuerySet",
    "MealShare",
    "MealWay",
    "PersonCategory",
    "RollStatus",
    "ServiceRecordStatus",
    "Volunteer",
    "VolunteerQuerySet",
    "VolunteerService",
]
