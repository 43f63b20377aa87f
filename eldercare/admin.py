"""Admin: the grading policy and assessor qualifications are edited here by district administrators;
assessments are read-only (they are recorded and signed through the service)."""

from django.contrib import admin

from hechuan_portal.accounts.roles import SYSTEM

from .models import (
    AdaptationItem,
    AdaptationPolicy,
    Assessment,
    AssessmentPolicy,
    AssessorQualification,
    CareBedPolicy,
    GuaranteedBeds,
)
from .services import coverage_refresh


@admin.register(AssessmentPolicy)
class AssessmentPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "combine", "reassess_months", "disabled_min_grade"]

    # The re-assessment interval decides who counts as assessed: today's coverage rows follow an edit.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        coverage_refresh(actor=SYSTEM)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        coverage_refresh(actor=SYSTEM)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        coverage_refresh(actor=SYSTEM)


@admin.register(AssessorQualification)
class AssessorQualificationAdmin(admin.ModelAdmin):
    list_display = ["user", "certificate_number", "expires_on", "active"]
    list_filter = ["active"]
    search_fields = ["certificate_number", "user__username"]
    raw_id_fields = ["user"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["id", "town", "assessed_on", "final_grade", "assessor", "second_assessor", "signed_at"]
    list_filter = ["final_grade", "town"]
    list_select_related = ["town", "assessor", "second_assessor"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdaptationPolicy, CareBedPolicy)
class SupportPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from"]


@admin.register(AdaptationItem)
class AdaptationItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "basic", "unit_price", "active"]
    list_filter = ["category", "basic", "active"]


@admin.register(GuaranteedBeds)
class GuaranteedBedsAdmin(admin.ModelAdmin):
    """Capacity is edited here; `used` is kept by the placement services."""

    list_display = ["facility", "capacity", "used"]
    readonly_fields = ["used"]
    raw_id_fields = ["facility"]
