"""Staff qualifications: the overview and one facility's list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import Facility

from .. import access, selectors, services
from ..forms import StaffForm
from ..models import StaffQualification
from ..standards import config
from .base import monitoring_user


@monitoring_user
def staff_overview(request):
    today = timezone.localdate()
    facilities = (
        Facility.objects.visible_to(request.user)
        .select_related("town")
        .annotate(n_staff=Count("staff_qualifications"))
        .order_by("town_id", "name")
    )
    if access.can_see_all_staff(request.user):
        facilities = facilities.filter(n_staff__gt=0) if not request.GET.get("all") else facilities
    return render(
        request,
        "monitoring/staff_overview.html",
        {
            "expiring": selectors.expiring_certificates(user=request.user, today=today)[:200],
            "understaffed": selectors.understaffed_facilities(user=request.user)[:200],
            "facilities": facilities[:300],
            "today": today,
        },
    )


@monitoring_user
def staff_facility(request, pk):
    facility = get_object_or_404(Facility.objects.visible_to(request.user).select_related("town"), pk=pk)
    can_edit = access.can_manage_staff(request.user, facility)
    form = StaffForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.staff_save(
                facility=facility, actor=request.user, data=form.cleaned_data, request=request
            )
            messages.success(request, _("人员资质已保存。"))
            return redirect("monitoring:staff_facility", pk=facility.pk)
    staff = StaffQualification.objects.visible_to(request.user).filter(facility=facility)
    risk = getattr(facility, "risk", None)
    return render(
        request,
        "monitoring/staff_facility.html",
        {
            "facility": facility,
            "staff": staff,
            "form": form,
            "risk": risk,
            "today": timezone.localdate(),
            "warn_days": config()["certificate_warning_days"],
        },
    )
