"""托育: classes and 托位 to the national standard, children, enrolment and waitlist, health screening
(医育结合) and vouchers (托育服务体验券), one module per sub-domain, all importable from here."""

from .enrolment import (
    Child,
    ChildQuerySet,
    Enrolment,
    EnrolmentQuerySet,
    EnrolmentStatus,
    PriorityCategory,
    WaitlistEntry,
    WaitlistQuerySet,
    WaitlistStatus,
)
from .places import ChildcareClass, ChildcareProfile, ChildcareSettings, ClassQuerySet, ClassType
from .screening import (
    Checkup,
    CheckupStatus,
    FollowUp,
    FollowUpReason,
    MeasuringPosition,
    ScreeningQuerySet,
    ScreeningResult,
)
from .vouchers import Voucher, VoucherBatch, VoucherQuerySet, VoucherStatus

__all__ = [
    "Checkup",
    "CheckupStatus",
    "Child",
    "ChildQuerySet",
    "ChildcareClass",
    "ChildcareProfile",
    "ChildcareSettings",
    "ClassQuerySet",
    "ClassType",
    "Enrolment",
    "EnrolmentQuerySet",
    "EnrolmentStatus",
    "FollowUp",
    "FollowUpReason",
    "PriorityCategory",
    "ScreeningQuerySet",
    "MeasuringPosition",
    "ScreeningResult",
    "Voucher",
    "VoucherBatch",
    "VoucherQuerySet",
    "VoucherStatus",
    "WaitlistEntry",
    "WaitlistQuerySet",
    "WaitlistStatus",
]
