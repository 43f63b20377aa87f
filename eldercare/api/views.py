"""Elder-care API: thin views over the services. No action catches its own errors: the shared
handler answers every refusal with `{"code", "detail", "field"}`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hechuan_portal.accounts.audit import AuditedReadMixin
from hechuan_portal.accounts.roles import require
from hechuan_portal.common.errors import PortalError

from .. import access, selectors, services
from ..error_codes import ErrorCode
from ..models import Assessment
from . import serializers as s


class AssessmentPreviewView(APIView):
    """Grade a GB/T 42195 assessment without saving anything (the contract other systems call)."""

    @extend_schema(
        request=s.AnswersSerializer, responses=s.GradeSerializer, operation_id="eldercare_assessment_preview"
    )
    def post(self, request: Request) -> Response:
        require(access.can_preview, request.user)
        data = s.AnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.assessment_preview(actor=request.user, **data.validated_data)
        return Response(s.GradeSerializer.from_result(result))


class AssessmentViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Recorded assessments within the caller's scope (an elder's ability grade: every read is
    audited); record one, and sign one off."""

    serializer_class = s.AssessmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Assessment.objects.none()
        require(access.can_view, self.request.user)
        return (
            Assessment.objects.visible_to(self.request.user)
            .select_related("resident", "assessor", "second_assessor")
            .order_by("-assessed_on", "-id")
        )

    @extend_schema(request=s.AssessmentRecordSerializer, responses={201: s.AssessmentSerializer})
    def create(self, request: Request) -> Response:
        require(access.can_record, request.user)
        data = s.AssessmentRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        resident = selectors.find_resident(user=request.user, id_number=values.pop("id_number"))
        if resident is None:
            raise PortalError(ErrorCode.RESIDENT_NOT_FOUND, field="id_number", status=404)
        corrects_id = values.pop("corrects")
        corrects = get_object_or_404(self.get_queryset(), pk=corrects_id) if corrects_id else None
        assessment = services.assessment_record(
            actor=request.user, resident=resident, corrects=corrects, **values
        )
        return Response(s.AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        assessment = services.assessment_sign(actor=request.user, assessment=self.get_object())
        return Response(s.AssessmentSerializer(assessment).data)
