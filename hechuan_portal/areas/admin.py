from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from .models import AdminArea


@admin.register(AdminArea)
class AdminAreaAdmin(LeafletGeoAdmin):
    list_display = ("code", "name", "level", "parent", "is_synthetic")
    list_filter = ("level", "is_synthetic")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
