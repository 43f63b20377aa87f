"""Project-level pages: the staff home."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from hechuan_portal.accounts.scope import scope_for
from hechuan_portal.areas.models import AdminArea


@login_required
def manage_home(request):
    """Staff home: the user's role and scope, and the sections they can work in."""
    scope = scope_for(request.user)
    area = AdminArea.objects.filter(code=scope.town_code).first() if scope.town_code else None
    return render(request, "manage/home.html", {"scope": scope, "scope_area": area})
