"""API representations: public fields for everyone, the full record for staff in scope."""

from __future__ import annotations

from functools import lru_cache

from django.contrib.gis.geos import Point
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework import serializers

from .. import standards
from ..models import Facility, FacilityKind, FacilityStatus
from ..permissions import OPERATOR_FIELDS

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
    "is_demo",
    "distance_m",
    "public_url",
]


class FacilityPublicSerializer(serializers.ModelSerializer):
    """What residents may see: no operators, licences, filings or internal figures."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    town_name = serializers.CharField(source="town.name", read_only=True)
    lng = serializers.SerializerMethodField()
    lat = serializers.SerializerMethodField()
    beds_vacant = serializers.IntegerField(read_only=True)
    places_vacant = serializers.IntegerField(read_only=True)
    distance_m = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = Facility
        fields = PUBLIC_FIELDS
        read_only_fields = PUBLIC_FIELDS

    def get_lng(self, obj) -> float:
        return round(obj.location.x, 6)

    def get_lat(self, obj) -> float:
        return round(obj.location.y, 6)

    def get_distance_m(self, obj) -> float | None:
        distance = getattr(obj, "distance", None)
        return round(distance.m, 1) if distance is not None else None

    def get_public_url(self, obj) -> str:
        return reverse("finder:facility", args=[obj.pk])


class FacilityStaffSerializer(FacilityPublicSerializer):
    """The full record for staff; writable fields go through facility_create / facility_update."""

    lng = serializers.FloatField(write_only=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(write_only=True, min_value=-90, max_value=90)
    community_name = serializers.CharField(source="community.name", read_only=True, default=None)
    capacity_stale = serializers.SerializerMethodField()

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

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["lng"] = round(instance.location.x, 6)
        data["lat"] = round(instance.location.y, 6)
        return data

    def get_capacity_stale(self, obj) -> bool:
        return standards.is_capacity_stale(obj.capacity_reported_at, timezone.now())

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


class OperatorCapacitySerializer(serializers.ModelSerializer):
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
    changed_at = serializers.DateTimeField()
    reason = serializers.CharField()


# Columns the public rows are built from (see public_rows): one query, no model instances.
PUBLIC_COLUMNS = [
    "id",
    "name",
    "kind",
    "canteen_subtype",
    "town_id",
    "town__name",
    "address",
    "location",
    "phone",
    "opening_hours",
    "services",
    "beds_total",
    "beds_occupied",
    "places_total",
    "places_occupied",
    "status",
    "is_demo",
]


@lru_cache(maxsize=8)
def _display_labels(language: str | None) -> tuple[dict, dict]:
    """Kind and status labels in one language: translated once, not sixteen gettext calls a request."""
    kinds = {value: str(label) for value, label in FacilityKind.choices}
    statuses = {value: str(label) for value, label in FacilityStatus.choices}
    return kinds, statuses


@lru_cache(maxsize=8)
def _finder_base(_script_prefix: str, _urlconf) -> str:
    """The finder's facility URL without its id; reverse() depends on the arguments (the key)."""
    return reverse("finder:facility", args=[0])[: -len("0/")]


def _row_builder():
    """The function building one public row (the same dict as FacilityPublicSerializer), from the
    columns in selectors.public_near's order, with this request's labels and finder URL."""
    kinds, statuses = _display_labels(get_language())
    base = _finder_base(get_script_prefix(), get_urlconf())

    def build(
        pk, name, kind, canteen_subtype, town, town_name, address, lng, lat, phone, opening_hours,
        services, beds_total, beds_occupied, places_total, places_occupied, status, is_demo, metres,
    ) -> dict:  # fmt: skip
        return {
            "id": pk,
            "name": name,
            "kind": kind,
            "kind_display": kinds.get(kind, kind),
            "canteen_subtype": canteen_subtype,
            "town": town,
            "town_name": town_name,
            "address": address,
            "lng": round(lng, 6),
            "lat": round(lat, 6),
            "phone": phone,
            "opening_hours": opening_hours,
            "services": services,
            "beds_total": beds_total,
            "beds_vacant": beds_total - beds_occupied,
            "places_total": places_total,
            "places_vacant": places_total - places_occupied,
            "status": status,
            "status_display": statuses.get(status, status),
            "is_demo": is_demo,
            "distance_m": round(metres, 1) if metres is not None else None,
            "public_url": f"{base}{pk}/",
        }

    return build


def public_rows(values, *, with_distance: bool) -> list[dict]:
    """The same dicts as FacilityPublicSerializer, built straight from `.values()` rows.

    The residents' finder and the anonymous `near` search are the hot path (issue 3 benchmark);
    a ModelSerializer spends most of its time building fields and model instances. A test keeps the
    two representations identical.
    """
    build = _row_builder()
    rows = []
    for v in values:
        distance = v.get("distance") if with_distance else None
        rows.append(
            build(
                v["id"],
                v["name"],
                v["kind"],
                v["canteen_subtype"],
                v["town_id"],
                v["town__name"],
                v["address"],
                v["location"].x,
                v["location"].y,
                v["phone"],
                v["opening_hours"],
                v["services"],
                v["beds_total"],
                v["beds_occupied"],
                v["places_total"],
                v["places_occupied"],
                v["status"],
                v["is_demo"],
                distance.m if distance is not None else None,
            )  # fmt: skip
        )
    return rows


def near_rows(rows) -> list[dict]:
    """public_rows for selectors.public_near's tuples, which hold the builder's arguments in order
    and then the count: no dict per row on the way (issue 9)."""
    build = _row_builder()
    return [build(*row[:-1]) for row in rows]
