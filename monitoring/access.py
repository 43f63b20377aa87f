"""Who may act on monitoring records: the one place, built on the role predicates of accounts/roles.py.

Views, API actions, templates (`{% can "monitoring.record_inspection" inspection as may_record %}`)
and services (`require(access.can_x, actor, obj)`) all ask these functions. What a user *sees* is
decided by `visible_to(user)`; these answer what they may *do* with what they see.
"""

from __future__ import annotations

from typing import Any

from hechuan_portal.accounts import roles

from .rules import REVIEWERS


def can_use(user: Any) -> bool:
    """The monitoring pages: every role with a scope (auditors read the audit log only)."""
    return roles.is_staff_member(user)


def can_inspect(user: Any) -> bool:
    """District staff and town officers inspect, plan and visit; operators and auditors never do."""
    return roles.is_manager(user)


def can_create_inspection(user: Any, facility: Any = None) -> bool:
    """An inspector, for a facility in their town (district roles: any facility)."""
    if facility is None:
        return can_inspect(user)
    return can_inspect(user) and roles.manages_town(user, facility.town_id)


def can_record_inspection(user: Any, inspection: Any) -> bool:
    """Drawn inspectors (or district staff) record a drawn inspection; any inspector of the town
    records an unassigned one. The same people may cancel it."""
    if not can_inspect(user):
        return False
    if roles.is_district(user):
        return True
    if not roles.officer_of(user, inspection.facility.town_id):
        return False
    assigned = {u.pk for u in inspection.inspectors.all()}
    return not assigned or user.pk in assigned


can_cancel_inspection = can_record_inspection


def can_plan(user: Any) -> bool:
    """Create an inspection plan (an officer's is always for their own town)."""
    return can_inspect(user)


def can_plan_any_town(user: Any) -> bool:
    """Choose the town of a plan (or a district-wide plan): district roles only."""
    return roles.is_district(user)


def can_view_plan(user: Any, plan: Any) -> bool:
    """Open a plan's page: district roles any plan, an officer their own town's."""
    return can_inspect(user) and (roles.is_district(user) or roles.officer_of(user, plan.town_id))


def can_draw(user: Any, plan: Any = None) -> bool:
    """Run the 双随机 draw of a plan the user can see."""
    return can_inspect(user) and (plan is None or can_view_plan(user, plan))


def can_be_drawn(user: Any) -> bool:
    """May serve as a drawn inspector."""
    return can_inspect(user)


def finding_actors(user: Any, finding: Any) -> set[str]:
    """Abstract roles of `user` for the finding state machine (rules.FINDING_TRANSITIONS)."""
    actors: set[str] = set()
    if not roles.is_active(user):
        return actors
    if roles.operates(user, finding.facility):
        actors.add("operator")
    if roles.is_district(user) or (
        roles.officer_of(user, finding.facility.town_id)
        and finding.inspection.inspectors.filter(pk=user.pk).exists()
    ):
        actors.add("inspector")
    return actors


def can_submit_evidence(user: Any, finding: Any) -> bool:
    """The facility's operator sends evidence of the fix (the state machine decides when)."""
    return "operator" in finding_actors(user, finding)


def can_review(user: Any, finding: Any) -> bool:
    """Accept or return submitted evidence: the finding's inspectors and district staff."""
    return bool(finding_actors(user, finding) & REVIEWERS)


def can_see_all_towns(user: Any) -> bool:
    """Pickers and lists spanning every town (the community picker of the visit list)."""
    return roles.is_district(user)


def can_view_escalated(user: Any) -> bool:
    """The district list of findings escalated past their deadline."""
    return roles.is_district(user)


def can_escalate_overdue(user: Any) -> bool:
    """Run the sweep that escalates overdue findings (the nightly job runs it as SYSTEM)."""
    return roles.is_district(user)


def can_refresh_risk(user: Any) -> bool:
    """Recompute every facility's risk score and due date on demand."""
    return roles.is_district(user)


def can_refresh_visit_due(user: Any) -> bool:
    """Rebuild the precomputed visit list (the nightly job and the household import run it as SYSTEM)."""
    return roles.is_district(user)


def can_manage_staff(user: Any, facility: Any = None) -> bool:
    """Operators keep their own facility's staff list; officers and district staff may correct it."""
    if facility is None:
        return roles.is_staff_member(user)
    return roles.operates(user, facility) or roles.manages_town(user, facility.town_id)


def can_see_all_staff(user: Any) -> bool:
    """Staff overview filter: inspectors start from facilities with staff recorded, operators see theirs."""
    return can_inspect(user)


def can_manage_templates(user: Any) -> bool:
    """Publish a new version of a checklist template (the admin site): district roles."""
    return roles.is_district(user)


def can_record_visit(user: Any, resident: Any = None) -> bool:
    """Officers record visits to elders of their town; district staff anywhere."""
    if resident is None:
        return can_inspect(user)
    return can_inspect(user) and roles.manages_town(user, resident.town_id)
