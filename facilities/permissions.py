"""Who may change what in the facility registry (on top of the area scope, which decides *which*).

District roles and town officers manage whole records inside their scope; an operator may only
report their own facility's capacity and opening hours.
"""

from __future__ import annotations

from hechuan_portal.accounts.models import Role
from hechuan_portal.accounts.scope import is_district

# What an operator may change on their own facility (issue 3: capacity and hours).
OPERATOR_FIELDS = (
    "beds_total",
    "beds_nursing",
    "beds_occupied",
    "places_total",
    "places_inclusive",
    "places_occupied",
    "opening_hours",
)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_manage(user) -> bool:
    """Create, edit whole records, change status, import: district roles and town officers."""
    return _active(user) and (is_district(user) or (user.role == Role.TOWN_OFFICER and bool(user.area_id)))


def is_operator(user) -> bool:
    return _active(user) and not user.is_superuser and user.role == Role.FACILITY_OPERATOR


def can_report_capacity(user) -> bool:
    return can_manage(user) or is_operator(user)


def can_view_registry(user) -> bool:
    """The staff pages: everyone but auditors (who read the audit log only)."""
    return can_report_capacity(user)


def can_plan_coverage(user) -> bool:
    """The service-circle page: district roles see the district, officers their town."""
    return can_manage(user)
