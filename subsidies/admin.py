from django.contrib import admin

from .models import AllowanceConfig, AllowancePolicy, AllowanceTier, MatchRun


class TierInline(admin.TabularInline):
    model = AllowanceTier
    extra = 0


@admin.register(AllowancePolicy)
class AllowancePolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from"]
    inlines = [TierInline]


@admin.register(AllowanceConfig)
class AllowanceConfigAdmin(admin.ModelAdmin):
    list_display = ["arrears_cap_months"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "as_of", "mode", "status", "examined"]
    readonly_fields = [f.name for f in MatchRun._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False
