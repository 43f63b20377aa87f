"""Admin: the registry (scoped like every other list), the service-circle radii and the run log."""

from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from .models import CoverageRun, Facility, FacilityStatusChange, ServiceLayer


class StatusChangeInline(admin.TabularInline):
    model = FacilityStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        # Status changes go through facility_set_status (the staff pages and the API).
        return False


@admin.register(Facility)
class FacilityAdmin(LeafletGeoAdmin):
    list_display = ["name", "kind", "town", "status", "beds_total", "places_total", "is_demo"]
    list_filter = ["kind", "status", "is_demo", "town"]
    search_fields = ["name", "address", "operator_name"]
    readonly_fields = ["status", "capacity_reported_at", "created_at", "updated_at"]
    autocomplete_fields = ["operators"]
    inlines = [StatusChangeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).select_related("town")


@admin.register(ServiceLayer)
class ServiceLayerAdmin(admin.ModelAdmin):
    """The service-circle radii (STANDARDS §7) as data: change a radius here, then recompute."""

    list_display = ["name", "code", "radius_m", "population", "is_active", "sort_order"]
    list_editable = ["radius_m", "is_active"]
    readonly_fields = ["code"]


@admin.register(CoverageRun)
class CoverageRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "status", "communities", "rows", "triggered_by"]
    readonly_fields = [f.name for f in CoverageRun._meta.fields]

    def has_add_permission(self, request):
        return False
