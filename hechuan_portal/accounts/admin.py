from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

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


class TOTPDeviceAdmin(admin.ModelAdmin):
    """Administrators see and remove a lost device; they never see its secret."""

    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def replace_totp_admin() -> None:
    """django-otp's own admin shows each user's TOTP secret and QR code to administrators (and its
    config view fails with a 500 on an unknown id). Administrators only need to see and remove a lost
    device; the owner sets up a new one at /accounts/otp/. Called from AppConfig.ready, after every
    app's admin module has registered its models."""
    if admin.site.is_registered(TOTPDevice):
        admin.site.unregister(TOTPDevice)
    admin.site.register(TOTPDevice, TOTPDeviceAdmin)
