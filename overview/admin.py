from django.contrib import admin

from .models import IndicatorSnapshot, IndicatorTarget, MonthlyReport


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "comparator", "target", "amber_margin", "source")


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(admin.ModelAdmin):
    list_display = ("period", "indicator", "area", "value", "numerator", "denominator", "computed_at")
    list_filter = ("indicator", "period")
    list_select_related = ("area",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ("period", "file", "generated_at")
