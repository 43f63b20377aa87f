"""Who may change the areas. Reading them is public reference data (the API allows anyone)."""

from __future__ import annotations

from typing import Any

from hechuan_portal.accounts.roles import is_district_admin


def can_import_boundaries(user: Any, obj: Any = None) -> bool:
    """Load boundaries, centroids and new communities from the district's GeoJSON."""
    return is_district_admin(user)


def can_load_reference(user: Any, obj: Any = None) -> bool:
    """Load the district and its towns from the reference file (fixtures/areas.json)."""
    return is_district_admin(user)
