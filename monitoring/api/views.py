"""API viewsets. Reads start from `visible_to(user)`; writes are explicit actions calling services.

No action catches errors: a refused write raises `PortalError`, which the project's exception handler
turns into the one error body `{"code", "detail", "field"}`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from facilities.models import Facility
from hechuan_portal.accounts.audit import AuditedReadMixin
from hechuan_portal.residents.models import Resident

from .. import services
from ..filters import FindingFilter, InspectionFilter, PlanFilter, VisitFilter
from ..models import ChecklistTemplate, Finding, Inspection, InspectionPlan, WelfareVisit
from .serializers import (
    ChecklistTemplateSerializer,
    DrawInputSerializer,
    DrawSerializer,
    FindingSerializer,
    InspectionCreateSerializer,
    InspectionSerializer,
    PlanSerializer,
    RecordInputSerializer,
    ReviewInputSerializer,
    SubmitInputSerializer,
    VisitInputSerializer,
    VisitSerializer,
)


class ChecklistTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """Checklist templates and their items (reference data, every version)."""

    queryset = ChecklistTemplate.objects.prefetch_related("items").order_by("code", "-version")
    serializer_class = ChecklistTemplateSerializer
    filterset_fields = ["topic", "code", "is_active"]


class PlanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspection plans; `draw` runs the 双随机 draw once and returns its log."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        return InspectionPlan.objects.visible_to(self.request.user).select_related("town").order_by("-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        town = data.pop("town", None)
        plan = services.plan_create(
            actor=request.user, request=request, town_id=town.pk if town else None, **data
        )
        return Response(self.get_serializer(plan).data, status=201)

    @extend_schema(request=DrawInputSerializer, responses={201: DrawSerializer})
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        plan = self.get_object()
        inp = DrawInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        inspectors = None
        if "inspectors" in inp.validated_data:
            from hechuan_portal.accounts.models import User

            inspectors = list(User.objects.filter(pk__in=inp.validated_data["inspectors"]).order_by("pk"))
        record = services.plan_draw(
            plan=plan,
            actor=request.user,
            seed=inp.validated_data.get("seed"),
            inspectors=inspectors,
            request=request,
        )
        return Response(DrawSerializer(record).data, status=201)


class InspectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Inspections in scope; `create` schedules one, `record` completes it."""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def get_queryset(self):
        return (
            Inspection.objects.visible_to(self.request.user)
            .select_related("facility", "template")
            .prefetch_related("inspectors")
            .order_by("-id")
        )

    @extend_schema(request=InspectionCreateSerializer, responses=InspectionSerializer)
    def create(self, request):
        inp = InspectionCreateSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        facility = get_object_or_404(
            Facility.objects.visible_to(request.user), pk=inp.validated_data["facility"]
        )
        inspection = services.inspection_create(
            facility=facility,
            topic=inp.validated_data["topic"],
            due_on=inp.validated_data["due_on"],
            actor=request.user,
            request=request,
        )
        return Response(InspectionSerializer(inspection).data, status=201)

    @extend_schema(request=RecordInputSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        inspection = self.get_object()
        services.ensure_may_record(inspection, request.user)  # the rule before the body
        inp = RecordInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        d = inp.validated_data
        services.inspection_record(
            inspection=inspection,
            actor=request.user,
            answers=[services.AnswerInput(a["item"], a["answer"], a["note"]) for a in d["answers"]],
            notes=d["notes"],
            lng=d.get("lng"),
            lat=d.get("lat"),
            accuracy_m=d.get("accuracy"),
            location_note=d["location_note"],
            request=request,
        )
        inspection.refresh_from_db()
        return Response(InspectionSerializer(inspection).data)


class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    """Findings in scope with their transition log; `submit` (operator) and `review` (inspector)."""

    serializer_class = FindingSerializer
    filterset_class = FindingFilter

    def get_queryset(self):
        return (
            Finding.objects.visible_to(self.request.user)
            .select_related("facility", "item")
            .prefetch_related("transitions__actor")
            .order_by("deadline", "id")
        )

    @extend_schema(request=SubmitInputSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def submit(self, request, pk=None):
        finding = self.get_object()
        services.ensure_may_submit(finding, request.user)  # the rule before the body
        inp = SubmitInputSerializer(
            data={"files": request.FILES.getlist("files"), "note": request.data.get("note", "")}
        )
        inp.is_valid(raise_exception=True)
        services.finding_submit_evidence(
            finding=finding,
            actor=request.user,
            files=inp.validated_data["files"],
            note=inp.validated_data["note"],
            request=request,
        )
        return Response(FindingSerializer(self.get_queryset().get(pk=finding.pk)).data)

    @extend_schema(request=ReviewInputSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def review(self, request, pk=None):
        finding = self.get_object()
        services.ensure_may_review(finding, request.user)  # the rule before the body
        inp = ReviewInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        services.finding_review(finding=finding, actor=request.user, request=request, **inp.validated_data)
        return Response(FindingSerializer(self.get_queryset().get(pk=finding.pk)).data)


class VisitViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Visits to elders in special difficulty, in scope (operators see none); every read of these
    elders' records is audited."""

    serializer_class = VisitSerializer
    filterset_class = VisitFilter

    def get_queryset(self):
        return WelfareVisit.objects.visible_to(self.request.user).order_by("-visited_on", "-id")

    @extend_schema(request=VisitInputSerializer, responses=VisitSerializer)
    def create(self, request):
        inp = VisitInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        data = dict(inp.validated_data)
        resident = get_object_or_404(Resident.objects.visible_to(request.user), pk=data.pop("resident"))
        visit = services.visit_record(resident=resident, actor=request.user, request=request, **data)
        return Response(VisitSerializer(visit).data, status=201)
