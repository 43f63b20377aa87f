"""Public pages for residents: no login, public fields only, a list that works without JavaScript."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.http import QueryDict
from django.shortcuts import get_object_or_404, render

from hechuan_portal.areas.models import AdminArea

from . import near, selectors, standards
from .api.serializers import public_rows
from .filters import NEED_CHOICES, NEEDS

FINDER_LIMIT = 30


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


def finder_home(request):
    """The service finder: choose where you are and what you need; nearest first."""
    point, source, area = _location(request)
    need = request.GET.get("need", "")
    kinds = tuple(sorted(NEEDS[need][1])) if need in NEEDS else ()
    results = None
    if point is not None:
        # The residents' search (near.py), as the API answers it: nearest first within the radius.
        radius = standards.MAX_NEAR_RADIUS_M if source != "point" else 20000
        query = near.NearQuery(point.x, point.y, float(radius), kinds, limit=FINDER_LIMIT)
        results = near.search(query).rows
    elif area is not None:
        params = QueryDict(mutable=True)
        if kinds:
            params["need"] = need
        params["town"] = area.code if area.level == "town" else area.parent_id
        filterset = selectors.facility_list(params=params, public=True)
        qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        results = public_rows(selectors.public_values(qs.order_by("name"))[:FINDER_LIMIT])
    if results is not None:
        for row in results:
            metres = row["distance_m"]
            row["distance_km"] = metres / 1000 if metres is not None else None
            row["walk_minutes"] = standards.walking_minutes(metres) if metres is not None else None
    towns = AdminArea.objects.towns().order_by("code")
    town_code = request.GET.get("town", "") or (
        area.parent_id if area is not None and area.level == "community" else ""
    )
    communities = (
        AdminArea.objects.communities().filter(parent_id=town_code).order_by("code").only("code", "name")
        if town_code.isdigit()
        else AdminArea.objects.none()
    )
    return render(
        request,
        "facilities/finder/home.html",
        {
            "towns": towns,
            "needs": NEED_CHOICES,
            "need": need,
            "results": results,
            "source": source,
            "area": area,
            "point": point,
            "selected_town": town_code,
            "communities": communities,
            "selected_community": request.GET.get("community", ""),
        },
    )


def facility_public(request, pk):
    """One facility as residents see it: kind, address, hours, phone, vacancies, a small map."""
    facility = get_object_or_404(selectors.facility_base(public=True), pk=pk)
    return render(request, "facilities/finder/facility.html", {"facility": facility})
