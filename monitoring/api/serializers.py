from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from hechuan_portal.common.serializers import PortalModelSerializer

from ..forms import PLAN_INPUT_FIELDS
from ..models import (
    Answer,
    ChecklistItem,
    ChecklistTemplate,
    ElderCondition,
    Finding,
    FindingTransition,
    Inspection,
    InspectionPlan,
    Need,
    Referral,
    Topic,
    VisitMethod,
    WelfareVisit,
)


class ChecklistItemSerializer(PortalModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "position", "text", "basis", "weight", "severity"]


class ChecklistTemplateSerializer(PortalModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "code", "version", "name", "topic", "kinds", "is_active", "items"]


class PlanSerializer(PortalModelSerializer):
    class Meta:
        model = InspectionPlan
        fields = ["id", "kind", *PLAN_INPUT_FIELDS, "status", "created_at", "is_demo"]
        read_only_fields = ["status", "created_at", "is_demo"]

    def validate(self, attrs):
        if attrs["ends_on"] < attrs["starts_on"]:
            raise serializers.ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
        # The table's check constraints (rates between 0 and 1 …) answer 400 with their own
        # translated message instead of reaching the database as an IntegrityError (DRF turns the
        # Django ValidationError into a field error).
        plain = {k: v for k, v in attrs.items() if not isinstance(v, list | tuple | set)}
        InspectionPlan(**plain).validate_constraints()
        return attrs


class DrawInputSerializer(serializers.Serializer):
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**62)
    inspectors = serializers.ListField(child=serializers.IntegerField(), required=False)


class DrawSerializer(serializers.Serializer):
    seed = serializers.IntegerField()
    result = serializers.JSONField()
    log = serializers.JSONField()
    drawn_at = serializers.DateTimeField()


class InspectionSerializer(PortalModelSerializer):
    facility_name = serializers.CharField(source="facility.name", read_only=True)
    town = serializers.CharField(source="facility.town_id", read_only=True)
    template_code = serializers.CharField(source="template.code", read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    topic = serializers.CharField(source="template.topic", read_only=True)
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "plan",
            "facility",
            "facility_name",
            "town",
            "template",
            "template_code",
            "template_version",
            "topic",
            "inspectors",
            "status",
            "due_on",
            "inspected_at",
            "distance_m",
            "location_check",
            "location_note",
            "score",
            "result",
            "notes",
            "is_demo",
        ]
        read_only_fields = fields


class InspectionCreateSerializer(serializers.Serializer):
    facility = serializers.IntegerField()
    topic = serializers.ChoiceField(choices=Topic.choices)
    due_on = serializers.DateField()


class AnswerInputSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    answer = serializers.ChoiceField(choices=Answer.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")


class RecordInputSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(many=True)
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    accuracy = serializers.FloatField(required=False, allow_null=True, min_value=0)
    location_note = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class TransitionSerializer(PortalModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = FindingTransition
        fields = ["from_status", "to_status", "action", "actor", "at", "reason"]


class FindingSerializer(PortalModelSerializer):
    facility_name = serializers.CharField(source="facility.name", read_only=True)
    item_text = serializers.CharField(source="item.text", read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "facility",
            "facility_name",
            "item",
            "item_text",
            "description",
            "severity",
            "deadline",
            "status",
            "escalated_at",
            "closed_at",
            "transitions",
        ]
        read_only_fields = fields


class SubmitInputSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ReviewInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("accept", "accept"), ("return", "return")])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class VisitInputSerializer(serializers.Serializer):
    resident = serializers.IntegerField()
    visited_on = serializers.DateField()
    method = serializers.ChoiceField(choices=VisitMethod.choices)
    condition = serializers.ChoiceField(choices=ElderCondition.choices)
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=Need.choices), required=False, default=list
    )
    referrals = serializers.ListField(
        child=serializers.ChoiceField(choices=Referral.choices), required=False, default=list
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    next_due_on = serializers.DateField(required=False, allow_null=True, default=None)


class VisitSerializer(PortalModelSerializer):
    class Meta:
        model = WelfareVisit
        fields = [
            "id",
            "resident",
            "town",
            "community",
            "visited_on",
            "method",
            "condition",
            "needs",
            "referrals",
            "notes",
            "next_due_on",
            "visitor",
            "is_demo",
            "created_at",
        ]
        read_only_fields = fields
