"""API representations: public fields for everyone, the full record for staff in scope."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from hechuan_portal.common.formatting import choice_labels
from hechuan_portal.common.links import row_links
from hechuan_portal.common.serializers import PortalModelSerializer

from ..access import OPERATOR_FIELDS
from ..models import CanteenSubtype, Facility, FacilityKind, FacilityStatus

PUBLIC_FIELDS = [
    "id",
    "name",
    "kind",
    "kind_display",
    "canteen_subtype",
    "town",
    "town_name",
    "address",
    "lng",
    "lat",
    "phone",
    "opening_hours",
    "services",
    "beds_total",
    "beds_vacant",
    "places_total",
    "places_vacant",
    "status",
    "status_display",
    "available",
    "vacancy_reported_at",
    "vacancy_days",
    "is_demo",
    "distance_m",
    "public_url",
]


# Columns a public row is built from (`.values(*PUBLIC_COLUMNS)`, plus `distance_m` after `nearby()`):
# one query, no model instances — the residents' finder and `near` search are the hot path.
PUBLIC_COLUMNS = [
    "id",
    "name",
    "kind",
    "canteen_subtype",
    "town_id",
    "town__name",
    "address",
    "lng",
    "lat",
    "phone",
    "opening_hours",
    "services",
    "beds_total",
    "beds_occupied",
    "places_total",
    "places_occupied",
    "status",
    "capacity_reported_at",
    "is_demo",
]


def public_rows(values: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """What residents may see of each facility, from `selectors.public_values()` rows:
    no operators, licences, filings or internal figures. The one public representation (API list
    and detail, GeoJSON, the finder page).

    Only the truth (issue 19): a facility that is not operating (a suspended one; planned and closed
    ones are not public at all) is never `available` and has no vacancy (`beds_vacant` and
    `places_vacant` are null); every vacancy comes with the day it was reported and its age in days
    (`vacancy_days`), so a page can say how old a figure is instead of showing it as today's."""
    kinds, statuses = choice_labels(FacilityKind), choice_labels(FacilityStatus)
    link = row_links("finder:facility")
    now = timezone.now()
    rows = []
    for v in values:
        distance = v.get("distance_m")
        available = v["status"] == FacilityStatus.OPERATING
        reported = v["capacity_reported_at"]
        rows.append(
            {
                "id": v["id"],
                "name": v["name"],
                "kind": v["kind"],
                "kind_display": kinds.get(v["kind"], v["kind"]),
                "canteen_subtype": v["canteen_subtype"] or None,
                "town": v["town_id"],
                "town_name": v["town__name"],
                "address": v["address"],
                "lng": round(v["lng"], 6),
                "lat": round(v["lat"], 6),
                "phone": v["phone"],
                "opening_hours": v["opening_hours"],
                "services": v["services"],
                "beds_total": v["beds_total"],
                "beds_vacant": v["beds_total"] - v["beds_occupied"] if available else None,
                "places_total": v["places_total"],
                "places_vacant": v["places_total"] - v["places_occupied"] if available else None,
                "status": v["status"],
                "status_display": statuses.get(v["status"], v["status"]),
                "available": available,
                "vacancy_reported_at": reported.isoformat() if reported is not None else None,
                "vacancy_days": (now - reported).days if reported is not None else None,
                "is_demo": v["is_demo"],
                "distance_m": round(distance, 1) if distance is not None else None,
                "public_url": link(v["id"]),
            }
        )
    return rows


class FacilityPublicSerializer(serializers.Serializer):
    """The public row's shape for the schema; `to_representation` is `public_rows` for one row."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=FacilityKind.choices)
    kind_display = serializers.CharField()
    canteen_subtype = serializers.ChoiceField(choices=CanteenSubtype.choices, allow_null=True)
    town = serializers.CharField()
    town_name = serializers.CharField()
    address = serializers.CharField()
    lng = serializers.FloatField()
    lat = serializers.FloatField()
    phone = serializers.CharField()
    opening_hours = serializers.CharField()
    services = serializers.CharField()
    beds_total = serializers.IntegerField()
    beds_vacant = serializers.IntegerField(allow_null=True, help_text="null unless the facility is operating")
    places_total = serializers.IntegerField()
    places_vacant = serializers.IntegerField(allow_null=True, help_text="null unless the facility is operating")
    status = serializers.ChoiceField(choices=FacilityStatus.choices)
    status_display = serializers.CharField()
    available = serializers.BooleanField(help_text="operating: the only status shown as available")
    vacancy_reported_at = serializers.DateTimeField(allow_null=True)
    vacancy_days = serializers.IntegerField(allow_null=True, help_text="days since the vacancies were reported")
    is_demo = serializers.BooleanField()
    distance_m = serializers.FloatField(allow_null=True)
    public_url = serializers.CharField()

    def to_representation(self, instance: dict[str, Any]) -> dict[str, Any]:
        return public_rows([instance])[0]


class FacilityFeatureSerializer(serializers.Serializer):
    """The properties of one facility's point in the GeoJSON answer (`FacilityViewSet.geojson`):
    flat and small, for marker clustering. The schema is derived from these fields
    (`common/geojson.py: serializer_feature_collection`) and the view writes exactly these keys."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=FacilityKind.choices)
    kind_display = serializers.CharField()
    town_name = serializers.CharField()
    # null unless the facility is operating (a suspended one never shows a vacancy, issue 19)
    beds_vacant = serializers.IntegerField(allow_null=True)
    places_vacant = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=FacilityStatus.choices)
    is_demo = serializers.BooleanField()
    url = serializers.CharField(help_text="公众页（工作人员：管理页）/ public page (staff: the staff page)")
    distance_m = serializers.FloatField(required=False)


class CoordinateField(serializers.FloatField):
    """Longitude (`x`) or latitude (`y`) of the facility's point: written as a number, read from the
    location (six decimals, as the public row has it)."""

    def __init__(self, axis: str, **kwargs: Any) -> None:
        self.axis = axis
        super().__init__(**kwargs)

    def get_attribute(self, instance: Facility) -> float:
        return round(getattr(instance.location, self.axis), 6)


class FacilityStaffSerializer(PortalModelSerializer):
    """The full record for staff; writable fields go through facility_create / facility_update."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    town_name = serializers.CharField(source="town.name", read_only=True)
    beds_vacant = serializers.IntegerField(read_only=True)
    places_vacant = serializers.IntegerField(read_only=True)
    distance_m = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    lng = CoordinateField("x", min_value=-180, max_value=180)
    lat = CoordinateField("y", min_value=-90, max_value=90)
    community_name = serializers.CharField(source="community.name", read_only=True, default=None)
    capacity_stale = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()
    vacancy_reported_at = serializers.DateTimeField(source="capacity_reported_at", read_only=True)
    vacancy_days = serializers.SerializerMethodField()

    class Meta:
        model = Facility
        fields = [
            *PUBLIC_FIELDS,
            "ownership",
            "operator_name",
            "community",
            "community_name",
            "beds_nursing",
            "beds_occupied",
            "places_inclusive",
            "places_occupied",
            "fee_beds",
            "fee_meals",
            "fee_childcare",
            "filing_number",
            "filing_status",
            "licence_number",
            "licence_expiry",
            "capacity_reported_at",
            "capacity_stale",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "beds_vacant",
            "places_vacant",
            "capacity_reported_at",
            "created_at",
            "updated_at",
            "is_demo",
        ]
        # Town/name uniqueness is checked by the model (full_clean) with its own message.
        validators: list = []

    def get_distance_m(self, obj) -> float | None:
        distance = getattr(obj, "distance_m", None)
        return round(distance, 1) if distance is not None else None

    def get_public_url(self, obj) -> str:
        return reverse("finder:facility", args=[obj.pk])

    def get_available(self, obj) -> bool:
        return obj.status == FacilityStatus.OPERATING

    def get_vacancy_days(self, obj) -> int | None:
        reported = obj.capacity_reported_at
        return (timezone.now() - reported).days if reported is not None else None

    def get_capacity_stale(self, obj) -> bool:
        return obj.capacity_stale

    def to_model_data(self) -> dict:
        data = dict(self.validated_data)
        lng, lat = data.pop("lng", None), data.pop("lat", None)
        if lng is not None and lat is not None:
            data["location"] = Point(lng, lat, srid=4326)
        return data


class FacilityCreateSerializer(FacilityStaffSerializer):
    status = serializers.ChoiceField(
        choices=[FacilityStatus.PLANNED, FacilityStatus.OPERATING], default=FacilityStatus.PLANNED
    )

    class Meta(FacilityStaffSerializer.Meta):
        read_only_fields = [f for f in FacilityStaffSerializer.Meta.read_only_fields if f != "status"]


class OperatorCapacitySerializer(PortalModelSerializer):
    """An operator's update: beds/托位 figures and opening hours only."""

    class Meta:
        model = Facility
        fields = list(OPERATOR_FIELDS)


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FacilityStatus.choices)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class StatusChangeOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField()
