"""Who may do what in elder care: every view, API action, template and service asks these.

An assessor (评估员) is a staff account that manages people in the register (district roles, town
officers) and holds a valid `AssessorQualification` today.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hechuan_portal.accounts.roles import (
    is_district,
    is_district_admin,
    is_manager,
    is_operator,
    manages_town,
    operates,
)


def is_assessor(user: Any) -> bool:
    if not is_manager(user) or getattr(user, "is_system", False):
        return False
    cached = getattr(user, "_eldercare_assessor", None)
    if cached is None:
        from .models import AssessorQualification

        cached = AssessorQualification.objects.filter(user=user).valid_on(timezone.localdate()).exists()
        user._eldercare_assessor = cached
    return cached


def can_preview(user: Any, obj: Any = None) -> bool:
    """The grading contract: district staff and assessors."""
    return is_district(user) or is_assessor(user)


def can_view(user: Any, obj: Any = None) -> bool:
    """Elder pages, assessments and the to-assess list: district roles and town officers, each within
    their scope (`obj`: a resident or an assessment, checked by its town)."""
    if obj is None:
        return is_manager(user)
    return manages_town(user, getattr(obj, "town_id", None))


def can_record(user: Any, obj: Any = None) -> bool:
    """Record an assessment (of `obj`, a resident): an assessor who manages the person's town."""
    return is_assessor(user) and (obj is None or manages_town(user, getattr(obj, "town_id", None)))


def can_sign(user: Any, obj: Any = None) -> bool:
    """Sign off `obj` (an assessment): an assessor in scope other than the one who recorded it."""
    if obj is None:
        return is_assessor(user)
    return (
        obj.signed_at is None
        and getattr(user, "pk", None) != obj.assessor_id
        and is_assessor(user)
        and manages_town(user, obj.town_id)
    )


def can_correct(user: Any, obj: Any = None) -> bool:
    """Record a correction of a signed assessment: as recording."""
    return can_record(user, getattr(obj, "resident", None) if obj is not None else None)


def can_manage_policy(user: Any, obj: Any = None) -> bool:
    """Grading policy and assessor qualifications: district administrators."""
    return is_district_admin(user)


def can_refresh_coverage(user: Any, obj: Any = None) -> bool:
    return is_district(user)


def can_manage_support(user: Any, obj: Any = None) -> bool:
    """Home adaptation and family care beds (applications, needs assessment, quotes, acceptance,
    agreements, set-up): district roles and the town's officers (`obj`: resident, case or bed)."""
    if obj is None:
        return is_manager(user)
    return manages_town(user, getattr(obj, "town_id", None))


def can_record_service(user: Any, obj: Any = None) -> bool:
    """A month's service record of a bed (`obj`): the provider's operators, or district roles."""
    if obj is None:
        return is_district(user) or is_operator(user)
    return is_district(user) or operates(user, getattr(obj, "provider", None))


def can_review_claim(user: Any, obj: Any = None) -> bool:
    """The town's review of a bed's monthly claim: the town's officers (and district roles)."""
    return can_manage_support(user, obj)


def can_approve_claim(user: Any, obj: Any = None) -> bool:
    """Approving claims and building the month's claims: district roles."""
    return is_district(user)


def can_pay_claims(user: Any, obj: Any = None) -> bool:
    """Marking approved claims paid in the month's roll: district administrators."""
    return is_district_admin(user)


def can_export_ltc(user: Any, obj: Any = None) -> bool:
    """The long-term-care insurance export (full ID numbers): district roles, after re-authentication."""
    return is_district(user)


def can_view_support(user: Any, obj: Any = None) -> bool:
    """Family care beds, their claims and placements (rows from `visible_to`): district roles and town
    officers, and the operators of a provider facility (the beds they serve, the elders they house)."""
    return is_manager(user) or is_operator(user)
