"""Who may see the overview: the dashboard, the monthly report and its exports, the kept reports.

District roles see the district and every town; a town officer sees their own town; operators and
auditors have no overview (its pages answer 404, as if they did not exist).
"""

from __future__ import annotations

from typing import Any

from hechuan_portal.accounts.roles import is_district, is_manager, manages_town


def can_view(user: Any, obj: Any = None) -> bool:
    """The dashboard, the indicator pages, the monthly report and the API's figures."""
    return is_manager(user)


def can_view_town(user: Any, town_code: str | None = None) -> bool:
    """One town's figures: district roles for every town, an officer for their own."""
    return manages_town(user, town_code)


def can_export(user: Any, obj: Any = None) -> bool:
    """The report as XLSX, limited to what the user may view."""
    return is_manager(user)


def can_download_kept(user: Any, obj: Any = None) -> bool:
    """The district reports kept by the monthly job (every town's figures)."""
    return is_district(user)


def can_refresh(user: Any, obj: Any = None) -> bool:
    """Recompute this month's snapshot now rather than at night."""
    return is_district(user)
