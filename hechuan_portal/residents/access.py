"""Who may use the household registry, on top of the area scope (`visible_to` decides the rows).

District roles and town officers search the registry and read people (officers: their town only,
through `Resident.objects.visible_to`); they may also reveal a full ID number, always with a stated
reason and an audit row. Operators and auditors never see the registry. District roles follow the
imports; only district administrators upload one.
"""

from __future__ import annotations

from typing import Any

from hechuan_portal.accounts import roles


def can_search(user: Any, obj: Any = None) -> bool:
    """The registry pages: search, a person, the quality report."""
    return roles.is_manager(user)


def can_reveal(user: Any, resident: Any = None) -> bool:
    """See a person's full ID number: district roles, and town officers for their own town."""
    if resident is None:
        return roles.is_manager(user)
    return roles.manages_town(user, resident.town_id)


def can_view_imports(user: Any, obj: Any = None) -> bool:
    return roles.is_district(user)


def can_import(user: Any, obj: Any = None) -> bool:
    """Upload a household extract (the whole district's register)."""
    return roles.is_district_admin(user)


def can_confirm_move_in(user: Any, obj: Any = None) -> bool:
    """Confirm or correct the move-in date of a person who reappeared after moving out (rule 7)."""
    return roles.is_district_admin(user)
