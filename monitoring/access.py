"""Who may act on monitoring records, on top of the area scope (which decides what they see)."""

from __future__ import annotations

from hechuan_portal.accounts.models import Role
from hechuan_portal.accounts.scope import is_district


def is_inspector_user(user) -> bool:
    """District staff and town officers inspect; operators and auditors never do."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (is_district(user) or (user.role == Role.TOWN_OFFICER and user.area_id))
    )


def can_record_inspection(user, inspection) -> bool:
    """Drawn inspectors (or district staff) record a drawn inspection; any inspector user in scope
    records an unassigned one. Scope itself is checked by the caller's `visible_to`."""
    if not is_inspector_user(user):
        return False
    if is_district(user):
        return True
    if user.area_id != inspection.facility.town_id:
        return False
    assigned = {u.pk for u in inspection.inspectors.all()}
    return not assigned or user.pk in assigned


def finding_actors(user, finding) -> set[str]:
    """Abstract roles of `user` for the finding state machine (rules.FINDING_TRANSITIONS)."""
    actors: set[str] = set()
    if not (user and user.is_authenticated and user.is_active):
        return actors
    if user.role == Role.FACILITY_OPERATOR and finding.facility.operators.filter(pk=user.pk).exists():
        actors.add("operator")
    if is_district(user) or (
        is_inspector_user(user)
        and user.area_id == finding.facility.town_id
        and finding.inspection.inspectors.filter(pk=user.pk).exists()
    ):
        actors.add("inspector")
    return actors


def can_manage_staff(user, facility) -> bool:
    """Operators keep their own facility's staff list; officers and district staff may correct it."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.role == Role.FACILITY_OPERATOR:
        return facility.operators.filter(pk=user.pk).exists()
    return is_district(user) or (user.role == Role.TOWN_OFFICER and user.area_id == facility.town_id)
