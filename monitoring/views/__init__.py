"""Staff pages under /manage/monitoring/, one module per sub-domain. Thin: selectors read, services
write, `access` decides who may act."""

from .dashboard import index
from .findings import evidence, finding_detail, finding_escalated, finding_list
from .inspections import (
    inspection_cancel,
    inspection_detail,
    inspection_export,
    inspection_list,
    inspection_new,
    inspection_record,
    photo,
)
from .plans import due_list, plan_detail, plan_list, plan_new, refresh_risk
from .staff import staff_facility, staff_overview
from .visits import visit_due, visit_new, visit_rates, visit_rates_export

__all__ = [
    "due_list",
    "evidence",
    "finding_detail",
    "finding_escalated",
    "finding_list",
    "index",
    "inspection_cancel",
    "inspection_detail",
    "inspection_export",
    "inspection_list",
    "inspection_new",
    "inspection_record",
    "photo",
    "plan_detail",
    "plan_list",
    "plan_new",
    "refresh_risk",
    "staff_facility",
    "staff_overview",
    "visit_due",
    "visit_new",
    "visit_rates",
    "visit_rates_export",
]
