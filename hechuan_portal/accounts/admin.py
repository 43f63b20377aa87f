from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "role", "area", "is_active", "last_login")
    list_filter = ("role", "is_active", "area")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("角色与范围"), {"fields": ("role", "area", "phone")}))
    list_select_related = ("area",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes audit rows, not even administrators."""

    list_display = ("at", "actor_username", "action", "object_type", "object_id", "reason", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("actor_username", "object_id", "reason")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
