"""Input and output shapes of the elder-care API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from hechuan_portal.common.serializers import PortalModelSerializer

from .. import standards
from ..models import (
    AdaptationCase,
    AdaptationLine,
    AdaptationStatus,
    Assessment,
    CareBed,
    CareBedClaim,
    CareBedMonth,
    CareBedStatus,
    CareService,
    ClaimStatus,
    GuaranteedBeds,
    Place,
    Placement,
)


class AnswersSerializer(serializers.Serializer):
    """The 26 answers and the facts the grade-change rules read. Item scores are checked by the
    service against the policy's ranges, so a refusal names the item (`items.B.2.4`)."""

    items = serializers.DictField(help_text='{"B.1.1": 0–4, …, "B.4.5": 0–4}: all 26 items of GB/T 42195')
    coma = serializers.BooleanField(default=False)
    dementia = serializers.BooleanField(default=False)
    mental_disorder = serializers.BooleanField(default=False)
    risk_events_30d = serializers.IntegerField(min_value=0, max_value=999, default=0)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class GradeSerializer(serializers.Serializer):
    """The grade of a set of answers (STANDARDS §5)."""

    total = serializers.IntegerField()
    dimension_scores = serializers.DictField(child=serializers.IntegerField())
    preliminary_grade = serializers.IntegerField()
    final_grade = serializers.IntegerField()
    reasons = ReasonSerializer(many=True)

    @staticmethod
    def from_result(result: standards.Result) -> dict[str, Any]:
        return {
            "total": result.total,
            "dimension_scores": dict(result.dimension_scores),
            "preliminary_grade": result.preliminary_grade,
            "final_grade": result.final_grade,
            "reasons": reasons(result.reasons),
        }


def reasons(codes: Any) -> list[dict[str, str]]:
    return [{"code": code, "detail": str(standards.Reason(code).label)} for code in codes]


class AssessmentRecordSerializer(AnswersSerializer):
    id_number = serializers.CharField(max_length=20)
    assessed_on = serializers.DateField()
    place = serializers.ChoiceField(choices=Place.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    corrects = serializers.IntegerField(required=False, allow_null=True, default=None)


class AssessmentSerializer(PortalModelSerializer):
    """A recorded assessment: never the ID number, only the register's masked one."""

    resident_name = serializers.CharField(source="resident.name", read_only=True)
    resident_id_masked = serializers.CharField(source="resident.id_masked", read_only=True)
    dimension_scores = serializers.SerializerMethodField()
    # Plain integers 0–4 (as in the preview's answer), not two enums of the same choices.
    preliminary_grade = serializers.IntegerField(read_only=True)
    final_grade = serializers.IntegerField(read_only=True)
    reasons = serializers.SerializerMethodField()
    assessor = serializers.CharField(source="assessor.username", read_only=True)
    second_assessor = serializers.CharField(
        source="second_assessor.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "resident",
            "resident_name",
            "resident_id_masked",
            "town",
            "assessed_on",
            "place",
            "items",
            "coma",
            "dementia",
            "mental_disorder",
            "risk_events_30d",
            "total",
            "dimension_scores",
            "preliminary_grade",
            "final_grade",
            "reasons",
            "assessor",
            "second_assessor",
            "signed_at",
            "corrects",
            "notes",
            "created_at",
        ]
        read_only_fields = fields

    def get_dimension_scores(self, obj: Assessment) -> dict[str, int]:
        return obj.dimension_scores()

    def get_reasons(self, obj: Assessment) -> list[dict[str, str]]:
        return reasons(obj.reasons)


# --- family care beds, home adaptation and placements ----------------------------------------------
# Statuses are plain strings (their values are listed in the help text): the same field names carry
# other apps' choice sets, and one schema enum per name keeps clients' generated types stable. A reason
# that is not there is null, never "".


def _values(choices: Any) -> str:
    return ", ".join(value for value, _label in choices)


class ApplySerializer(serializers.Serializer):
    """An application recorded by the community: the elder's full ID number and the date."""

    id_number = serializers.CharField(max_length=20)
    applied_on = serializers.DateField()


class CareBedSerializer(PortalModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    resident_id_masked = serializers.CharField(source="resident.id_masked", read_only=True)
    status = serializers.CharField(read_only=True, help_text=_values(CareBedStatus.choices))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    grade = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="0–4, or null if not assessed"
    )
    refusal_reason = serializers.SerializerMethodField()
    setup_lng = serializers.SerializerMethodField()
    setup_lat = serializers.SerializerMethodField()
    photo_count = serializers.SerializerMethodField()

    class Meta:
        model = CareBed
        fields = [
            "id", "resident", "resident_name", "resident_id_masked", "town", "provider", "status",
            "status_display", "applied_on", "grade", "refusal_reason", "agreement_on", "setup_on",
            "setup_lng", "setup_lat", "setup_notes", "photo_count", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_refusal_reason(self, obj: CareBed) -> str | None:
        return obj.refusal_reason or None

    def get_setup_lng(self, obj: CareBed) -> float | None:
        return obj.setup_location.x if obj.setup_location else None

    def get_setup_lat(self, obj: CareBed) -> float | None:
        return obj.setup_location.y if obj.setup_location else None

    def get_photo_count(self, obj: CareBed) -> int:
        return obj.photos.count()


class AgreeSerializer(serializers.Serializer):
    provider = serializers.IntegerField(help_text="id of an operating elder-care facility")
    on = serializers.DateField()


class MonthRecordSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="the first day of the month")
    visits = serializers.IntegerField(min_value=0, max_value=999)
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=Decimal(0))
    services = serializers.ListField(child=serializers.ChoiceField(choices=CareService.choices), default=list)


class CareBedMonthSerializer(PortalModelSerializer):
    class Meta:
        model = CareBedMonth
        fields = ["id", "bed", "month", "visits", "hours", "services"]
        read_only_fields = fields


class CareBedClaimSerializer(PortalModelSerializer):
    status = serializers.CharField(read_only=True, help_text=_values(ClaimStatus.choices))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    resident_name = serializers.CharField(source="bed.resident.name", read_only=True)

    class Meta:
        model = CareBedClaim
        fields = [
            "id",
            "bed",
            "resident_name",
            "town",
            "month",
            "amount",
            "status",
            "status_display",
            "paid_on",
        ]
        read_only_fields = fields


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="the first day of the month")


class PaySerializer(MonthSerializer):
    paid_on = serializers.DateField()


class BuildResultSerializer(serializers.Serializer):
    claims = serializers.IntegerField()
    flagged = serializers.IntegerField()


class PaidSerializer(serializers.Serializer):
    paid = serializers.IntegerField()


class AdaptationLineSerializer(PortalModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)
    name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = AdaptationLine
        fields = ["code", "name", "basic", "quantity", "unit_price"]
        read_only_fields = fields


class AdaptationCaseSerializer(PortalModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    resident_id_masked = serializers.CharField(source="resident.id_masked", read_only=True)
    status = serializers.CharField(read_only=True, help_text=_values(AdaptationStatus.choices))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    refusal_reason = serializers.SerializerMethodField()
    household_cap = serializers.DecimalField(
        source="policy.household_cap", max_digits=10, decimal_places=2, read_only=True
    )
    lines = AdaptationLineSerializer(many=True, read_only=True)

    class Meta:
        model = AdaptationCase
        fields = [
            "id", "resident", "resident_name", "resident_id_masked", "town", "status", "status_display",
            "applied_on", "refusal_reason", "lines", "quote_total", "works_started_on", "accepted_on",
            "subsidy", "self_paid", "household_cap", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_refusal_reason(self, obj: AdaptationCase) -> str | None:
        return obj.refusal_reason or None


class NeedsSerializer(serializers.Serializer):
    items = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=99),
        help_text='catalogue item code → quantity, e.g. {"JC-01": 2}',
    )


class QuoteSerializer(serializers.Serializer):
    prices = serializers.DictField(
        child=serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal(0)),
        help_text="item code → quoted unit price; items not named keep the reference price",
    )


class DateOnSerializer(serializers.Serializer):
    on = serializers.DateField()


class PlacementSerializer(PortalModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    resident_id_masked = serializers.CharField(source="resident.id_masked", read_only=True)

    class Meta:
        model = Placement
        fields = [
            "id", "resident", "resident_name", "resident_id_masked", "town", "facility", "guaranteed",
            "start_on", "end_on", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class PlacementStartSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=20)
    facility = serializers.IntegerField(help_text="id of an operating nursing home")
    start_on = serializers.DateField()
    guaranteed = serializers.BooleanField(default=True)


class GuaranteedBedsSerializer(PortalModelSerializer):
    facility_name = serializers.CharField(source="facility.name", read_only=True)

    class Meta:
        model = GuaranteedBeds
        fields = ["id", "facility", "facility_name", "capacity", "used"]
        read_only_fields = fields
