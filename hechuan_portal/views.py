"""Project-level pages: the staff home (the overview dashboard for district roles and officers)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from hechuan_portal.accounts.scope import scope_for
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.overview import selectors as overview
from hechuan_portal.overview.views import current_period


@login_required
def manage_home(request):
    """Staff home: headline indicators for the user's area (district or town), then the sections."""
    scope = scope_for(request.user)
    area = AdminArea.objects.filter(code=scope.town_code).first() if scope.town_code else None
    try:
        dash = overview.dashboard(user=request.user, period=current_period())
    except PermissionDenied:
        dash = None  # operators and auditors have no area figures
    return render(request, "manage/home.html", {"scope": scope, "scope_area": area, "dash": dash})
