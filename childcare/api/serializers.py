"""Serializers of the childcare API. Output shows the masked ID only; inputs feed the services."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hechuan_portal.common.serializers import PortalModelSerializer

from ..models import (
    Checkup,
    Child,
    ChildcareClass,
    ClassType,
    Enrolment,
    FollowUp,
    MeasuringPosition,
    ScreeningResult,
    WaitlistEntry,
)


class ClassSerializer(PortalModelSerializer):
    facility_name = serializers.CharField(source="facility.name", read_only=True)
    town = serializers.CharField(source="facility.town_id", read_only=True)
    vacant = serializers.IntegerField(read_only=True)

    class Meta:
        model = ChildcareClass
        fields = [
            "id",
            "facility",
            "facility_name",
            "town",
            "name",
            "class_type",
            "capacity",
            "caregivers",
            "children_per_caregiver",
            "is_inclusive",
            "occupied",
            "reserved",
            "vacant",
        ]
        read_only_fields = ["children_per_caregiver", "occupied", "reserved"]


class ClassCreateSerializer(serializers.Serializer):
    facility = serializers.IntegerField()
    name = serializers.CharField(max_length=64)
    class_type = serializers.ChoiceField(choices=ClassType.choices)
    capacity = serializers.IntegerField(min_value=1, max_value=100)
    caregivers = serializers.IntegerField(min_value=0, max_value=50)
    is_inclusive = serializers.BooleanField(default=False)


class ClassUpdateSerializer(serializers.Serializer):
    capacity = serializers.IntegerField(min_value=1, max_value=100)
    caregivers = serializers.IntegerField(min_value=0, max_value=50)
    is_inclusive = serializers.BooleanField(required=False)


class ChildSerializer(PortalModelSerializer):
    class Meta:
        model = Child
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "id_masked",
            "guardian_name",
            "guardian_phone",
            "town",
            "community",
            "facility",
            "is_demo",
        ]
        read_only_fields = fields


class ChildCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    gender = serializers.ChoiceField(choices=[("M", _("男")), ("F", _("女"))])
    birth_date = serializers.DateField()
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    guardian_name = serializers.CharField(max_length=64)
    guardian_phone = serializers.CharField(max_length=32)
    town = serializers.CharField(max_length=12)
    community = serializers.CharField(max_length=12, required=False, allow_null=True, default=None)
    facility = serializers.IntegerField(required=False, allow_null=True, default=None)


class EnrolmentSerializer(PortalModelSerializer):
    child_name = serializers.CharField(source="child.name", read_only=True)
    class_name = serializers.CharField(source="klass.name", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "child",
            "child_name",
            "klass",
            "class_name",
            "facility",
            "status",
            "start_date",
            "end_date",
        ]
        read_only_fields = fields


class EnrolmentCreateSerializer(serializers.Serializer):
    child = serializers.IntegerField()
    klass = serializers.IntegerField(help_text="班级 id")
    start_date = serializers.DateField(required=False, allow_null=True, default=None)


class WithdrawSerializer(serializers.Serializer):
    end_date = serializers.DateField(required=False, allow_null=True, default=None)


class WaitlistSerializer(PortalModelSerializer):
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = WaitlistEntry
        fields = [
            "id",
            "child",
            "klass",
            "facility",
            "applied_at",
            "categories",
            "priority_points",
            "status",
            "offered_at",
            "offer_deadline",
        ]
        read_only_fields = fields


class WaitlistJoinSerializer(serializers.Serializer):
    child = serializers.IntegerField()
    klass = serializers.IntegerField()
    categories = serializers.ListField(child=serializers.SlugField(), required=False, default=list)


class AcceptSerializer(serializers.Serializer):
    start_date = serializers.DateField(required=False, allow_null=True, default=None)


class CheckupSerializer(PortalModelSerializer):
    class Meta:
        model = Checkup
        fields = [
            "id",
            "child",
            "facility",
            "age_months",
            "due_date",
            "hearing_due",
            "vision_due",
            "vision_checks_due",
            "status",
            "clinic",
            "performed_on",
            "hearing",
            "vision",
            "vision_checks_done",
            "length_cm",
            "measured_position",
            "weight_kg",
            "head_cm",
            "z_wfa",
            "z_lhfa",
            "z_wflh",
            "z_hcfa",
            "underweight",
            "stunting",
            "wasting",
            "overweight",
        ]
        read_only_fields = fields


class CheckupRecordSerializer(serializers.Serializer):
    clinic = serializers.IntegerField()
    performed_on = serializers.DateField()
    hearing = serializers.ChoiceField(
        choices=ScreeningResult.choices, required=False, allow_blank=True, default=""
    )
    vision = serializers.ChoiceField(
        choices=ScreeningResult.choices, required=False, allow_blank=True, default=""
    )
    vision_checks_done = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    length_cm = serializers.DecimalField(
        max_digits=5, decimal_places=1, required=False, allow_null=True, default=None
    )
    measured_position = serializers.ChoiceField(
        choices=MeasuringPosition.choices, required=False, allow_blank=True, default=""
    )
    weight_kg = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )
    head_cm = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, default=None
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpSerializer(PortalModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "checkup", "child", "facility", "clinic", "reason", "due_date", "completed_on"]
        read_only_fields = fields


class CompleteSerializer(serializers.Serializer):
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)


class RedeemSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16)
    facility = serializers.IntegerField()


class VoucherSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    redeemed_at = serializers.DateTimeField()
    redeemed_facility = serializers.IntegerField(source="redeemed_facility_id")


class PlacesRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    population = serializers.IntegerField()
    places = serializers.IntegerField()
    inclusive = serializers.IntegerField()
    occupied = serializers.IntegerField()
    per_thousand = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    inclusive_share = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    population_source = serializers.CharField()


class PlacesStatsSerializer(serializers.Serializer):
    district = PlacesRowSerializer()
    towns = PlacesRowSerializer(many=True)
