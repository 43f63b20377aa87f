from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .models import AuditAction, AuditEvent, User
from .services import district_admin_group_sync, user_credentials_end

# A change to any of these is a change of the account's powers: its sessions and tokens end.
SECURITY_FIELDS = ("role", "area_id", "is_active", "is_superuser", "is_staff")


def _end_credentials(request, user: User, reason: str, changes: dict | None = None) -> None:
    user_credentials_end(user=user, actor=request.user, reason=reason, changes=changes)
    if user.pk == request.user.pk:
        # The administrator changed their own account: keep this session (bound to the new password
        # and stamp, which `user` holds), end the others.
        update_session_auth_hash(request, user)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "role", "area", "is_active", "last_login")
    list_filter = ("role", "is_active", "area")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("角色与范围"), {"fields": ("role", "area", "phone")}))
    list_select_related = ("area",)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = User.objects.filter(pk=obj.pk).values(*SECURITY_FIELDS).first() if change else None
        super().save_model(request, obj, form, change)
        if before is None:
            audit_record(
                action=AuditAction.CREATE,
                request=request,
                obj=obj,
                area_code=obj.area_id or "",
                changes={"role": obj.role, "area": obj.area_id},
            )
            return
        changed = {f: [before[f], getattr(obj, f)] for f in SECURITY_FIELDS if before[f] != getattr(obj, f)}
        if changed:
            reason = "deactivated" if changed.get("is_active") == [True, False] else "role"
            _end_credentials(request, obj, reason, changes=changed)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the form's own groups are saved: the role decides the administrators' group.
        district_admin_group_sync(user=form.instance)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            _end_credentials(request, self.get_object(request, unquote(id)), "password")
        return response


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
    """Administrators see and remove a lost device; they never see its secret. A removal is audited
    and ends the owner's sessions and tokens (they were signed in with that second factor)."""

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

    @transaction.atomic
    def delete_model(self, request, obj):
        user = obj.user
        super().delete_model(request, obj)
        _end_credentials(request, user, "otp_removed", changes={"device": obj.name})

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        users = {device.user for device in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in sorted(users, key=lambda u: u.pk):
            _end_credentials(request, user, "otp_removed")


def replace_totp_admin() -> None:
    """django-otp's own admin shows each user's TOTP secret and QR code to administrators (and its
    config view fails with a 500 on an unknown id). Administrators only need to see and remove a lost
    device; the owner sets up a new one at /accounts/otp/. Called from AppConfig.ready, after every
    app's admin module has registered its models."""
    if admin.site.is_registered(TOTPDevice):
        admin.site.unregister(TOTPDevice)
    admin.site.register(TOTPDevice, TOTPDeviceAdmin)
