"""Who may do what in the facility registry (on top of the area scope, `visible_to`, which decides
*which* records).

District roles and town officers manage whole records inside their scope; an operator may only
report their own facility's capacity and opening hours; auditors read the audit log only. Views,
API actions, templates (`{% can "facilities.manage" facility as may_manage %}`) and services ask
these functions; services `require()` them.
"""

from __future__ import annotations

from typing import Any

from hechuan_portal.accounts import roles

from .models import Facility

# What an operator may change on their own facility (issue 3: capacity and hours; issue 19: fees).
OPERATOR_FIELDS = (
    "beds_total",
    "beds_nursing",
    "beds_occupied",
    "places_total",
    "places_inclusive",
    "places_occupied",
    "opening_hours",
    "fee_beds",
    "fee_meals",
    "fee_childcare",
)


def can_manage(user: Any, obj: Facility | None = None) -> bool:
    """Create, edit whole records, change status, import: district roles and town officers (an
    officer only the facilities of their own town)."""
    if obj is None:
        return roles.is_manager(user)
    return roles.manages_town(user, obj.town_id)


def can_change_status(user: Any, obj: Facility | None = None) -> bool:
    """Move a facility along its life cycle: whoever manages it."""
    return can_manage(user, obj)


def can_import(user: Any, obj: None = None) -> bool:
    """Load the registry from a spreadsheet (rows outside an officer's town are refused per row)."""
    return roles.is_manager(user)


def can_report_capacity(user: Any, obj: Facility | None = None) -> bool:
    """Report beds/托位 and hours: managers, and operators (of `obj` when given)."""
    if obj is None:
        return roles.is_manager(user) or roles.is_operator(user)
    return can_manage(user, obj) or roles.operates(user, obj)


def can_view_registry(user: Any, obj: Facility | None = None) -> bool:
    """The staff pages and the full record: everyone but auditors (who read the audit log only)."""
    return roles.is_staff_member(user)


def can_export(user: Any, obj: None = None) -> bool:
    """Download the (scoped) registry as a spreadsheet."""
    return roles.is_staff_member(user)


def can_plan_coverage(user: Any, obj: None = None) -> bool:
    """The service-circle page: district roles see the district, officers their town."""
    return roles.is_manager(user)


def can_refresh_coverage(user: Any, obj: None = None) -> bool:
    """Recompute the whole district's service circle: district roles (and the system)."""
    return roles.is_district(user)
