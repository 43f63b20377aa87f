"""Admin: the settings and priority categories are edited here; the rest is read-only, because
places and enrolments change only through the services (which keep the counters in step)."""

from django.contrib import admin

from .models import (
    ChildcareClass,
    ChildcareProfile,
    ChildcareSettings,
    Enrolment,
    PriorityCategory,
    VoucherBatch,
    WaitlistEntry,
)


@admin.register(ChildcareSettings)
class ChildcareSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "mixed_children_per_caregiver", "offer_days")

    def has_add_permission(self, request):
        # A singleton, and still subject to the model permission like every other admin page.
        return super().has_add_permission(request) and not ChildcareSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PriorityCategory)
class PriorityCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "points", "active")
    list_editable = ("points", "active")


@admin.register(ChildcareProfile)
class ChildcareProfileAdmin(admin.ModelAdmin):
    list_display = ("facility", "health_workers", "kindergarten_places", "kindergarten_pupils")
    list_select_related = ("facility",)
    autocomplete_fields = ()
    raw_id_fields = ("facility",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChildcareClass)
class ChildcareClassAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "facility",
        "class_type",
        "capacity",
        "caregivers",
        "occupied",
        "reserved",
        "is_inclusive",
    )
    list_filter = ("class_type", "is_inclusive")
    list_select_related = ("facility",)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ("child", "klass", "status", "start_date", "end_date")
    list_filter = ("status",)
    list_select_related = ("child", "klass", "klass__facility")


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    list_display = ("child", "klass", "status", "priority_points", "applied_at", "offer_deadline")
    list_filter = ("status",)
    list_select_related = ("child", "klass", "klass__facility")


@admin.register(VoucherBatch)
class VoucherBatchAdmin(admin.ModelAdmin):
    list_display = ("name", "town", "value", "issued_on", "expires_on")

    def has_add_permission(self, request):
        return False  # batches are issued on the vouchers page (one INSERT per batch)
