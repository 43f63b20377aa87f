"""Read-only API of the allowance: match runs and payment rolls (district roles; others see none)."""

from rest_framework import serializers, viewsets

from hechuan_portal.common.serializers import PortalModelSerializer

from ..models import MatchRun, PayrollPeriod


class MatchRunSerializer(PortalModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = MatchRun
        fields = ["id", "started_at", "finished_at", "as_of", "mode", "status", "status_display", "trigger",
                  "examined", "counts", "message"]  # fmt: skip


class MatchRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Each nightly or on-demand matching run with its counts by outcome."""

    serializer_class = MatchRunSerializer
    filterset_fields = ["status", "mode", "as_of"]

    def get_queryset(self):
        return MatchRun.objects.visible_to(self.request.user).order_by("-started_at", "-id")


class PayrollPeriodSerializer(PortalModelSerializer):
    class Meta:
        model = PayrollPeriod
        fields = ["id", "month", "status", "created_at", "closed_at", "line_count", "total_amount"]


class PayrollPeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly payment rolls (totals only; the bank file is the audited export)."""

    serializer_class = PayrollPeriodSerializer
    filterset_fields = ["status", "month"]

    def get_queryset(self):
        return PayrollPeriod.objects.visible_to(self.request.user).order_by("-month")
