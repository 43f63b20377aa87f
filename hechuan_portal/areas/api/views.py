import django_filters
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from ..models import AdminArea


class AdminAreaSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    centroid = serializers.SerializerMethodField()

    class Meta:
        model = AdminArea
        fields = ["code", "name", "level", "level_display", "parent", "centroid", "is_synthetic"]

    def get_centroid(self, obj) -> list[float] | None:
        return [round(obj.centroid.x, 6), round(obj.centroid.y, 6)] if obj.centroid else None


class AdminAreaFilter(django_filters.FilterSet):
    class Meta:
        model = AdminArea
        fields = ["level", "parent"]


class AdminAreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative divisions of the district: public reference data."""

    queryset = AdminArea.objects.order_by("code")
    serializer_class = AdminAreaSerializer
    filterset_class = AdminAreaFilter
    permission_classes = [AllowAny]
    pagination_class = None
