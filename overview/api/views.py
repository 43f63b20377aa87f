from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hechuan_portal.common.errors import CommonCode, PortalError, not_found
from hechuan_portal.common.months import month_start, parse_month

from .. import access, selectors
from ..services import snapshot_ensure


class IndicatorRowSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    area = serializers.CharField()
    area_name = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    status = serializers.CharField()


class IndicatorListView(APIView):
    """Every indicator by area for a month, limited to the caller's area (officers: their town)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                pattern=r"^\d{4}-\d{2}$",
                description="YYYY-MM, default this month",
            )
        ],
        responses=IndicatorRowSerializer(many=True),
    )
    def get(self, request):
        # Operators have no overview: for them it does not exist (404, as on the pages).
        if not access.can_view(request.user):
            raise not_found()
        text = request.query_params.get("period")
        period = parse_month(text) if text else month_start(timezone.localdate())
        if period is None:
            raise PortalError(CommonCode.INVALID, field="period")
        snapshot_ensure(period=period, actor=request.user)
        table = selectors.report_table(user=request.user, period=period)
        rows = [
            {
                "indicator": ind.code,
                "label": str(ind.label),
                "unit": str(ind.unit),
                "area": row["area"].code,
                "area_name": row["area"].name,
                "value": value,
                "status": status,
            }
            for row in table["rows"]
            for ind, (value, status) in zip(table["indicators"], row["cells"], strict=True)
        ]
        return Response(IndicatorRowSerializer(rows, many=True).data)
