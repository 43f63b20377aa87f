"""Shapes of the community API. Staff read models only; statuses and kinds are plain strings (their
values in the help text: the same field names carry other apps' choice sets), and an empty text that
means "none" is null."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from hechuan_portal.common.serializers import PortalModelSerializer

from ..models import (
    CareKind,
    CareRecord,
    ClaimStatus,
    Donation,
    LedgerEntry,
    LedgerKind,
    MealClaim,
    MealPolicy,
    MealShare,
    PersonCategory,
    ServiceRecordStatus,
    Volunteer,
    VolunteerService,
)


def _values(choices: Any) -> str:
    return ", ".join(value for value, _label in choices)


def _blank_null(value: str) -> str | None:
    return value or None


class MealShareSerializer(PortalModelSerializer):
    category = serializers.CharField(help_text=_values(PersonCategory.choices))

    class Meta:
        model = MealShare
        fields = ["category", "individual", "enterprise", "government", "collective", "donation"]
        read_only_fields = fields


class MealPolicySerializer(PortalModelSerializer):
    shares = MealShareSerializer(many=True, read_only=True)

    class Meta:
        model = MealPolicy
        fields = ["id", "name", "effective_from", "max_meals_per_day", "note", "shares", "created_at"]
        read_only_fields = fields


class ShareInputSerializer(serializers.Serializer):
    individual = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal(0), default=Decimal(0)
    )
    enterprise = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal(0), default=Decimal(0)
    )
    government = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal(0), default=Decimal(0)
    )
    collective = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal(0), default=Decimal(0)
    )
    donation = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal(0), default=Decimal(0)
    )


class MealPolicyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    effective_from = serializers.DateField()
    max_meals_per_day = serializers.IntegerField(min_value=1, max_value=10)
    shares = serializers.DictField(
        child=ShareInputSerializer(),
        help_text=f"person category ({_values(PersonCategory.choices)}) → its split",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DonationSerializer(PortalModelSerializer):
    class Meta:
        model = Donation
        fields = ["id", "received_on", "donor", "amount", "use", "town", "canteen", "created_at"]
        read_only_fields = fields


class DonationCreateSerializer(serializers.Serializer):
    received_on = serializers.DateField()
    donor = serializers.CharField(max_length=128)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    use = serializers.CharField(max_length=255)
    canteen = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="id of a canteen, if for one"
    )


class MealClaimSerializer(PortalModelSerializer):
    status = serializers.CharField(read_only=True, help_text=_values(ClaimStatus.choices))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    canteen_name = serializers.CharField(source="canteen.name", read_only=True)

    class Meta:
        model = MealClaim
        fields = [
            "id", "canteen", "canteen_name", "month", "status", "status_display", "meals", "government_amount",
            "computed_at", "roll",
        ]  # fmt: skip
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class CareRecordSerializer(PortalModelSerializer):
    """A bathing or cleaning visit: the elder by name and masked ID number only."""

    resident_name = serializers.CharField(source="resident.name", read_only=True)
    resident_id_masked = serializers.CharField(source="resident.id_masked", read_only=True)
    kind = serializers.CharField(read_only=True, help_text=_values(CareKind.choices))
    location_check = serializers.CharField(read_only=True)
    location_note = serializers.SerializerMethodField()
    callback_note = serializers.SerializerMethodField()
    photo_count = serializers.SerializerMethodField()

    class Meta:
        model = CareRecord
        fields = [
            "id", "resident_name", "resident_id_masked", "town", "kind", "provider", "performed_at",
            "distance_m", "location_check", "location_note", "satisfaction", "callback_note", "callback_at",
            "photo_count",
        ]  # fmt: skip
        read_only_fields = fields

    def get_location_note(self, obj: CareRecord) -> str | None:
        return _blank_null(obj.location_note)

    def get_callback_note(self, obj: CareRecord) -> str | None:
        return _blank_null(obj.callback_note)

    def get_photo_count(self, obj: CareRecord) -> int:
        return len(obj.photos.all())


class CallbackSerializer(serializers.Serializer):
    satisfaction = serializers.IntegerField(min_value=1, max_value=5)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class VolunteerSerializer(PortalModelSerializer):
    name = serializers.CharField(source="resident.name", read_only=True)
    id_masked = serializers.CharField(source="resident.id_masked", read_only=True)

    class Meta:
        model = Volunteer
        fields = ["id", "name", "id_masked", "town", "community", "registered_at", "balance"]
        read_only_fields = fields


class IdNumberSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=20)


class LedgerEntrySerializer(PortalModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=_values(LedgerKind.choices))
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "kind_display",
            "hours",
            "balance_after",
            "service",
            "counterpart",
            "source",
            "at",
        ]
        read_only_fields = fields


class StatementSerializer(serializers.Serializer):
    volunteer = VolunteerSerializer()
    entries = LedgerEntrySerializer(many=True)


class VolunteerServiceSerializer(PortalModelSerializer):
    status = serializers.CharField(read_only=True, help_text=_values(ServiceRecordStatus.choices))
    recipient_name = serializers.CharField(source="recipient.name", read_only=True)

    class Meta:
        model = VolunteerService
        fields = [
            "id",
            "volunteer",
            "recipient_name",
            "town",
            "day",
            "hours",
            "content",
            "status",
            "confirmed_at",
        ]
        read_only_fields = fields


class VolunteerServiceCreateSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField()
    recipient_id_number = serializers.CharField(max_length=20)
    day = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=Decimal("0.5"))
    content = serializers.CharField(max_length=255)
