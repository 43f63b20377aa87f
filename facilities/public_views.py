"""Public pages for residents: no login, public fields only, a list that works without JavaScript.

Issue 19: results tell the truth (only operating facilities are available; a suspended one is shown
greyed with its status and no vacancy; a vacancy older than STALE_CAPACITY_DAYS says how old it is),
the list is short and near (10 a page with 更多, the walking radius of the kind first, then 查看更远),
and every result has 导航 links to the map apps (directions.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point
from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.gzip import gzip_page

from hechuan_portal.areas.models import AdminArea

from . import directions, near, selectors, standards
from .api.serializers import public_rows
from .filters import NEED_CHOICES, NEEDS
from .models import FacilityStatus, ServiceLayer

PAGE_SIZE = near.DEFAULT_LIMIT  # 10 a page, as the API's `near` answers
MAX_PAGES = 10  # 更多 shows up to 100 results; past that, narrow the search
WALK_DISTANCE_LIMIT_M = 2000  # walking minutes below this distance, km beyond (issue 19)
FAR_RADIUS_M = 20000  # 查看更远 from a position
DEFAULT_WALK_RADIUS_M = 1000  # STANDARDS §7, 15-minute circle, when no layer serves the kinds


def walking_radius(kinds: tuple[str, ...]) -> int:
    """The walking radius of the service circle (STANDARDS §7, ServiceLayer rows) for these kinds:
    the widest active layer that serves any of them (all layers when no kind is asked for)."""
    radii = [
        radius
        for layer_kinds, radius in ServiceLayer.objects.filter(is_active=True).values_list("kinds", "radius_m")
        if not kinds or set(layer_kinds) & set(kinds)
    ]
    return max(radii, default=DEFAULT_WALK_RADIUS_M)


def _flag(request, name: str) -> bool:
    return request.GET.get(name, "") in ("1", "on", "true")


def _int(value: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value), low), high)
    except ValueError:
        return default


def _location(request) -> tuple[Point | None, str, AdminArea | None]:
    """Where to measure from: the resident's position (geolocation or a tap on the map), else the
    chosen community's or town's centre. Returns (point, source, area)."""
    lng, lat = request.GET.get("lng", ""), request.GET.get("lat", "")
    if lng and lat:
        try:
            lng_f, lat_f = standards.parse_near(f"{lng},{lat}")
        except ValueError:
            pass
        else:
            return Point(lng_f, lat_f, srid=4326), "point", None
    # The community is more precise than its town when both are given.
    for param in ("community", "town"):
        code = request.GET.get(param, "")
        if code.isdigit() and len(code) == 12:
            area = AdminArea.objects.filter(code=code).first()
            town = request.GET.get("town", "")
            if param == "community" and area is not None and town and area.parent_id != town:
                continue  # a community left over from another town the resident moved away from
            if area is not None:
                return area.centroid, param, area
    return None, "", None


def present(row: dict[str, Any]) -> dict[str, Any]:
    """A public row with what the finder shows beside it: distance or walking time, the state of
    its vacancies and the 导航 links."""
    metres = row["distance_m"]
    row["distance_km"] = metres / 1000 if metres is not None else None
    row["walk_minutes"] = (
        standards.walking_minutes(metres) if metres is not None and metres < WALK_DISTANCE_LIMIT_M else None
    )
    days = row["vacancy_days"]
    if not row["available"]:
        row["vacancy_state"] = "unavailable"  # greyed, its status instead of a number
    elif days is None:
        row["vacancy_state"] = "unknown"
    elif days > standards.STALE_CAPACITY_DAYS:
        row["vacancy_state"] = "stale"
    else:
        row["vacancy_state"] = "fresh"
    row["map_links"] = directions.map_links(row["lng"], row["lat"], row["name"], row["address"])
    return row


# Compressed: on a slow 3G line (50 kB/s) the page with its inline styles is most of the first screen's
# time. Django masks the CSRF token per response, so compression does not expose it (BREACH).
@gzip_page
def finder_home(request):
    """The service finder: choose where you are and what you need; nearest first."""
    point, source, area = _location(request)
    need = request.GET.get("need", "")
    kinds = tuple(sorted(NEEDS[need][1])) if need in NEEDS else ()
    open_now, vacant, far = _flag(request, "open"), _flag(request, "vacant"), _flag(request, "far")
    pages = _int(request.GET.get("n", "1"), 1, 1, MAX_PAGES)
    limit = pages * PAGE_SIZE
    results: list[dict[str, Any]] | None = None
    count = 0
    radius = None
    if point is not None:
        # The residents' search (near.py), as the API answers it: nearest first within the radius.
        radius = (FAR_RADIUS_M if source == "point" else standards.MAX_NEAR_RADIUS_M) if far else walking_radius(kinds)
        query = near.NearQuery(
            point.x, point.y, float(radius), kinds, limit=limit, open_now=open_now, vacant=vacant
        )
        page = near.search(query)
        results, count = page.rows, page.count
    elif area is not None:
        params = QueryDict(mutable=True)
        if kinds:
            params["need"] = need
        params["town"] = area.code if area.level == "town" else area.parent_id
        filterset = selectors.facility_list(params=params, public=True)
        qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        if vacant:
            qs = qs.fresh_vacancy()
        rows = public_rows(selectors.public_values(qs.order_by("name")))
        if open_now:
            when = timezone.localtime()
            rows = [r for r in rows if standards.opening_hours_open(r["opening_hours"], when)]
        results, count = rows[:limit], len(rows)
    if results is not None:
        for row in results:
            present(row)
    towns = AdminArea.objects.towns().order_by("code")
    town_code = request.GET.get("town", "") or (
        area.parent_id if area is not None and area.level == "community" else ""
    )
    communities = (
        AdminArea.objects.communities().filter(parent_id=town_code).order_by("code").only("code", "name")
        if town_code.isdigit()
        else AdminArea.objects.none()
    )
    more = request.GET.copy()
    more["n"] = str(pages + 1)
    farther = request.GET.copy()
    farther["far"] = "1"
    farther.pop("n", None)
    return render(
        request,
        "facilities/finder/home.html",
        {
            "towns": towns,
            "needs": NEED_CHOICES,
            "need": need,
            "open_now": open_now,
            "vacant": vacant,
            "far": far,
            "radius": radius,
            "radius_km": radius / 1000 if radius else None,
            "results": results,
            "count": count,
            "more_url": f"?{more.urlencode()}#r{limit + 1}" if results and count > limit and pages < MAX_PAGES else "",
            "far_url": f"?{farther.urlencode()}#results" if point is not None and not far else "",
            "stale_days": standards.STALE_CAPACITY_DAYS,
            "source": source,
            "area": area,
            "point": point,
            "selected_town": town_code,
            "communities": communities,
            "selected_community": request.GET.get("community", ""),
        },
    )


@gzip_page
def facility_public(request, pk):
    """One facility as residents see it: status, hours, phone, address, directions, services, fees,
    vacancies with their date, filing status, the demo mark and a small map."""
    facility = get_object_or_404(selectors.facility_base(public=True), pk=pk)
    row = present(public_rows(selectors.public_values(selectors.facility_base(public=True).filter(pk=pk)))[0])
    open_now = standards.opening_hours_open(facility.opening_hours, timezone.localtime())
    return render(
        request,
        "facilities/finder/facility.html",
        {
            "facility": facility,
            "row": row,
            "open_now": open_now,
            "operating": facility.status == FacilityStatus.OPERATING,
            "stale_days": standards.STALE_CAPACITY_DAYS,
        },
    )
