"""Who may do what in the childcare app: the one answer views, API actions, templates
(`{% can "childcare.<action>" obj as allowed %}`) and services ask.

Rows a user may see come from `Model.objects.visible_to(user)`; these functions answer "may this user
act on this object". A service refuses a role with `require(check, actor, obj)` (403 `not_allowed`) and
an object outside the actor's scope with `require_in_scope(check, actor, obj)` (404 `not_in_scope`,
which never confirms that the object exists).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hechuan_portal.accounts import roles
from hechuan_portal.common.errors import CommonCode, PortalError

if TYPE_CHECKING:
    from facilities.models import Facility

    from .models import Checkup, Child, ChildcareClass, FollowUp


def can_use(user: Any) -> bool:
    """The staff pages and the API's writes: every role that works with scoped records (district,
    town officers, facility operators); auditors read the audit log only."""
    return roles.can_write(user)


def can_view_places_overview(user: Any) -> bool:
    """托位 per 1,000 residents and the 普惠 share per town: aggregates, for every working role."""
    return roles.can_write(user)


def can_manage_facility(user: Any, facility: Facility | None = None) -> bool:
    """Classes, enrolments, the waitlist and voucher redemption of a childcare facility: district
    roles, the officer of its town, its operators."""
    if facility is None:
        return roles.can_write(user)
    return roles.manages_town(user, facility.town_id) or roles.operates(user, facility)


def can_manage_classes(user: Any, facility: Facility | None = None) -> bool:
    """Open a class or change its 托位 and staffing."""
    return can_manage_facility(user, facility)


def can_enrol(user: Any, klass: ChildcareClass | None = None) -> bool:
    """Enrol into, withdraw from, or put a family on the waitlist of this class."""
    return can_manage_facility(user, None if klass is None else klass.facility)


def can_manage_child(user: Any, child: Child | None = None) -> bool:
    """A child's record: district roles, the officer of the child's town, the operators of the
    facility that holds the record. Also decides who may register a (not yet saved) child."""
    if child is None:
        return roles.can_write(user)
    return roles.manages_town(user, child.town_id) or roles.operates(user, child.facility)


def can_see_screening(user: Any, obj: Checkup | FollowUp | None = None) -> bool:
    """Screening data of a minor: district roles, the operators of the childcare facility, of the
    recording clinic and of the facility's partner clinic; never town officers or auditors."""
    if roles.is_district(user):
        return True
    if not roles.is_operator(user):
        return False
    if obj is None:
        return True
    from .models import ChildcareProfile

    return (
        roles.operates(user, obj.facility)
        or roles.operates(user, obj.clinic)
        or ChildcareProfile.objects.filter(
            facility_id=obj.facility_id, partner_clinic__operators=user
        ).exists()
    )


def can_record_screening(user: Any, clinic: Facility | None = None) -> bool:
    """Record check-up results for a medical partner (医育结合): district roles and the clinic's own
    staff (its operators)."""
    if clinic is None:
        return roles.is_district(user) or roles.is_operator(user)
    return roles.is_district(user) or roles.operates(user, clinic)


def can_complete_follow_up(user: Any, follow_up: FollowUp | None = None) -> bool:
    """Mark a re-screening or referral done: whoever may see it."""
    return can_see_screening(user, follow_up)


def can_issue_vouchers(user: Any) -> bool:
    """托育服务体验券 batches are a district decision."""
    return roles.is_district(user)


def can_redeem_voucher(user: Any, facility: Facility | None = None) -> bool:
    """Redeem a voucher at a facility the user manages."""
    return can_manage_facility(user, facility)


def can_run_jobs(user: Any) -> bool:
    """The district-wide jobs (lapsed offers, due check-ups): the scheduler (`SYSTEM`) and district roles."""
    return roles.is_district(user)


def require_in_scope(check: Callable[..., bool], user: Any, obj: Any) -> None:
    """Raise the shared 404 `not_in_scope` unless `check(user, obj)` allows it: an object outside
    the user's scope is treated as one that does not exist."""
    if not check(user, obj):
        raise PortalError(CommonCode.NOT_IN_SCOPE, status=404)
