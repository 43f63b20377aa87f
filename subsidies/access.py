"""Who may act on the senior allowance, on top of the area scope (`visible_to` decides the rows).

District administrators run the allowance: they run the match, edit the policy and the arrears cap,
close rolls, decide reviews and set the recovery status of overpayments. District roles read the
district-wide pages (runs, policies, rolls, simulation) and take the two audited exports (the
payroll's bank file, the overpayments list). Town officers see their town's people and may ask for a
manual review of one of them.
"""

from __future__ import annotations

from typing import Any

from hechuan_portal.accounts import roles


def can_view(user: Any, obj: Any = None) -> bool:
    """The allowance pages of people (dashboard, person, overpayments, reviews): registry users."""
    return roles.is_manager(user)


def can_view_district(user: Any, obj: Any = None) -> bool:
    """District-wide pages: runs, policies, rolls, the simulation."""
    return roles.is_district(user)


def can_run_match(user: Any, obj: Any = None) -> bool:
    return roles.is_district_admin(user)


def can_edit_policy(user: Any, obj: Any = None) -> bool:
    """The allowance policy and its tiers, and the arrears cap."""
    return roles.is_district_admin(user)


def can_close_payroll(user: Any, obj: Any = None) -> bool:
    return roles.is_district_admin(user)


def can_decide(user: Any, obj: Any = None) -> bool:
    """Manual decisions and handing a case back to the job."""
    return roles.is_district_admin(user)


def can_set_overpayment_status(user: Any, obj: Any = None) -> bool:
    return roles.is_district_admin(user)


def can_export(user: Any, obj: Any = None) -> bool:
    """The payroll's bank file and the overpayments list (both audited)."""
    return roles.is_district(user)


def can_request_review(user: Any, resident: Any = None) -> bool:
    """A registry user asks for a manual review of a person in their scope."""
    if resident is None:
        return roles.is_manager(user)
    return roles.manages_town(user, resident.town_id)
