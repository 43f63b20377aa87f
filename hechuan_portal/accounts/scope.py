"""The one area-scope mechanism (DESIGN §5).

Every scoped model's queryset inherits `ScopedQuerySet` and names how a row reaches its town and
(optionally) its facility. Every HTML view, API viewset, export and admin list starts from
`Model.objects.visible_to(user)`; an object outside the scope is then simply not found (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from .roles import is_district, is_operator, is_town_officer


@dataclass(frozen=True)
class Scope:
    """What a user may see: everything, one town's rows, their facilities' rows, or nothing."""

    everything: bool = False
    town_code: str | None = None
    operator_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.town_code or self.operator_id)


def scope_for(user) -> Scope:
    """In the role vocabulary of roles.py (superusers count as district)."""
    if is_district(user):
        return Scope(everything=True)
    if is_town_officer(user):
        return Scope(town_code=user.area_id)
    if is_operator(user):
        return Scope(operator_id=user.pk)
    # Anonymous and inactive users, and auditors (they read the audit log only): nothing.
    return Scope()


def scope_q(scope: Scope, *, town_field: str | None, facility_field: str | None) -> Q | None:
    """The filter for `scope`, or None when the scope admits every row."""
    if scope.everything:
        return None
    if scope.town_code and town_field:
        return Q(**{town_field: scope.town_code})
    if scope.operator_id and facility_field is not None:
        path = f"{facility_field}__operators" if facility_field else "operators"
        return Q(**{path: scope.operator_id})
    return Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    """Base for every scoped model's queryset.

    `scope_town_field`: the FK (or lookup path) to the row's town/street `AdminArea`.
    `scope_facility_field`: lookup path to the row's facility ("" for the Facility model itself,
    None when operators never see this model).
    """

    scope_town_field: str | None = "town"
    scope_facility_field: str | None = None

    def visible_to(self, user):
        q = scope_q(
            scope_for(user), town_field=self.scope_town_field, facility_field=self.scope_facility_field
        )
        return self if q is None else self.filter(q)


# The role predicates and the SYSTEM actor live in roles.py; these names stay importable from here.
from .roles import SYSTEM, can_write  # noqa: E402,F401
