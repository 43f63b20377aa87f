"""Who may do what in the community app: the one answer views, API actions, templates
(`{% can "community.<action>" obj as allowed %}`) and services ask.

Rows a user may see come from `Model.objects.visible_to(user)`; these functions answer "may this user
act on this object". Services refuse with `require(check, actor, obj)` (403 `not_allowed`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hechuan_portal.accounts import roles

if TYPE_CHECKING:
    from facilities.models import Facility

    from .models import MealClaim, Volunteer, VolunteerService


def can_use(user: Any) -> bool:
    """The community pages: every working role (district, town officers, canteen operators)."""
    return roles.can_write(user)


def can_record_meals(user: Any, canteen: Facility | None = None) -> bool:
    """Importing a canteen's meal file or entering meals on the phone form: district roles, the
    officer of the canteen's town and the canteen's operators."""
    if canteen is None:
        return roles.can_write(user)
    return roles.manages_town(user, canteen.town_id) or roles.operates(user, canteen)


def can_manage_policy(user: Any) -> bool:
    """The cost-sharing policy and donations are district decisions."""
    return roles.is_district(user)


def can_compute_claims(user: Any, canteen: Facility | None = None) -> bool:
    """(Re)computing draft claims: whoever manages the canteen's town."""
    if canteen is None:
        return roles.is_manager(user)
    return roles.manages_town(user, canteen.town_id)


def can_compute_all_claims(user: Any) -> bool:
    """Computing every canteen's claims of a month at once: district roles (and the monthly job)."""
    return roles.is_district(user)


def can_review_claim(user: Any, claim: MealClaim | None = None) -> bool:
    """The town review: the officer of the canteen's town (district roles may act for a town)."""
    if claim is None:
        return roles.is_manager(user)
    return roles.manages_town(user, claim.canteen.town_id)


def can_approve_claim(user: Any, claim: MealClaim | None = None) -> bool:
    """District approval."""
    return roles.is_district(user)


def can_manage_roll(user: Any, obj: Any = None) -> bool:
    """Drafting, closing and exporting the payment roll: district roles."""
    return roles.is_district(user)


def can_manage_volunteers(user: Any, volunteer: Volunteer | None = None) -> bool:
    """Registering volunteers and moving their hours: whoever manages the volunteer's town."""
    if volunteer is None:
        return roles.is_manager(user)
    return roles.manages_town(user, volunteer.town_id)


def can_confirm_service(user: Any, service: VolunteerService | None = None) -> bool:
    """Confirming hours: the recipient's town (its community works through the town officer)."""
    if service is None:
        return roles.is_manager(user)
    return roles.manages_town(user, service.town_id)


def can_record_care(user: Any, provider: Facility | None = None) -> bool:
    """A bathing or cleaning visit is recorded by its provider (an operator of the facility) or by
    whoever manages the provider's town."""
    if provider is None:
        return roles.can_write(user)
    return roles.manages_town(user, provider.town_id) or roles.operates(user, provider)


def can_plan_care(user: Any, town_id: str | None = None) -> bool:
    """Monthly plans and the satisfaction callback: the elder's town (its communities work through
    the town officer) and district roles."""
    if town_id is None:
        return roles.is_manager(user)
    return roles.manages_town(user, town_id)
