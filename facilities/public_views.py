"""Public pages for residents: no login, public fields only."""

from django.shortcuts import render

from hechuan_portal.areas.models import AdminArea


def finder_home(request):
    """The service finder: the district map and its towns/streets."""
    towns = AdminArea.objects.towns().order_by("code")
    return render(request, "finder/home.html", {"towns": towns})
