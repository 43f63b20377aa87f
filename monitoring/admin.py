"""Admin: reference data (templates, conflicts) editable; records read through the area scope."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    FindingTransition,
    Inspection,
    InspectionPlan,
    InspectorConflict,
    StaffQualification,
    WelfareVisit,
)
from .services import template_new_version


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0

    def has_change_permission(self, request, obj=None):
        # A version used by an inspection is frozen: changes go into a new version.
        return obj is None or not obj.inspections.exists()

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name", "topic", "is_active"]
    list_filter = ["topic", "is_active"]
    inlines = [ChecklistItemInline]
    actions = ["save_as_new_version"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.inspections.exists():
            return ["code", "version", "name", "topic", "kinds"]
        return ["version"] if obj is not None else []

    @admin.action(description=_("另存为新版本（原版本停用）"))
    def save_as_new_version(self, request, queryset):
        for template in queryset:
            items = list(template.items.values("text", "basis", "weight", "severity"))
            new = template_new_version(template=template, items=items, actor=request.user)
            self.message_user(request, _("已创建 %(name)s") % {"name": str(new)})


@admin.register(InspectorConflict)
class InspectorConflictAdmin(admin.ModelAdmin):
    list_display = ["inspector", "facility", "reason"]
    raw_id_fields = ["inspector", "facility"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ScopedAdmin):
    list_display = ["name", "topic", "town", "status", "starts_on", "ends_on"]
    readonly_fields = ["status", "created_by"]


class FindingTransitionInline(admin.TabularInline):
    model = FindingTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "action", "actor", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    list_display = ["facility", "template", "status", "inspected_at", "result", "location_check"]
    list_filter = ["status", "result", "location_check"]
    raw_id_fields = ["facility", "plan", "inspectors", "recorded_by"]

    def has_change_permission(self, request, obj=None):
        return False  # recorded through the service only


@admin.register(Finding)
class FindingAdmin(ScopedAdmin):
    list_display = ["facility", "description", "severity", "deadline", "status"]
    list_filter = ["status", "severity"]
    inlines = [FindingTransitionInline]

    def has_change_permission(self, request, obj=None):
        return False  # status moves only through the state machine


@admin.register(StaffQualification)
class StaffQualificationAdmin(ScopedAdmin):
    list_display = ["name", "role", "facility", "certificate_expiry", "active"]
    list_filter = ["role", "active"]
    raw_id_fields = ["facility"]


@admin.register(WelfareVisit)
class WelfareVisitAdmin(ScopedAdmin):
    list_display = ["resident", "visited_on", "method", "condition", "next_due_on"]
    list_filter = ["method", "condition"]
    raw_id_fields = ["resident", "visitor"]

    def has_change_permission(self, request, obj=None):
        return False
