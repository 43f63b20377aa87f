"""Input and output shapes of the elder-care API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .. import standards
from ..models import Assessment, Place


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


class AssessmentSerializer(serializers.ModelSerializer):
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
