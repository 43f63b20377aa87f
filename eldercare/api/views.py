"""Elder-care API: thin views over the services. No action catches its own errors: the shared
handler answers every refusal with `{"code", "detail", "field"}`."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_date
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hechuan_portal.accounts.audit import AuditedReadMixin
from hechuan_portal.accounts.roles import require
from hechuan_portal.common.errors import PortalError

from .. import access, selectors, services
from ..error_codes import ErrorCode
from ..models import AdaptationCase, Assessment, CareBed, CareBedClaim, GuaranteedBeds, Placement
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


# --- family care beds, home adaptation and placements: JSON in, JSON out -----------------------------
# Photos (the bed's set-up visit, the adaptation's acceptance) are taken on the phone pages; the API
# reads their count and moves every other step.


def _resident(request: Request, id_number: str) -> Any:
    resident = selectors.find_resident(user=request.user, id_number=id_number)
    if resident is None:
        raise PortalError(ErrorCode.RESIDENT_NOT_FOUND, field="id_number", status=404)
    return resident


def _facility(pk: int, code: ErrorCode, field: str) -> Any:
    from facilities.models import Facility

    facility = Facility.objects.filter(pk=pk).first()
    if facility is None:
        raise PortalError(code, field=field)
    return facility


class _SupportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    parser_classes = [JSONParser]
    model: Any = None
    related: tuple[str, ...] = ()
    view_check = staticmethod(access.can_view_support)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return self.model.objects.none()
        require(self.view_check, self.request.user)
        return self.model.objects.visible_to(self.request.user).select_related(*self.related)

    def answer(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(obj).data, status=code)


def _input(serializer: type, request: Request) -> dict[str, Any]:
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class CareBedViewSet(_SupportViewSet):
    """家庭养老床位: applications (eligibility decided at once), agreements and monthly service records."""

    serializer_class = s.CareBedSerializer
    model = CareBed
    related = ("resident",)

    @extend_schema(request=s.ApplySerializer, responses={201: s.CareBedSerializer})
    def create(self, request: Request) -> Response:
        require(access.can_manage_support, request.user)
        values = _input(s.ApplySerializer, request)
        bed = services.care_bed_apply(
            actor=request.user,
            resident=_resident(request, values["id_number"]),
            applied_on=values["applied_on"],
        )
        return self.answer(bed, status.HTTP_201_CREATED)

    @extend_schema(request=s.AgreeSerializer, responses=s.CareBedSerializer)
    @action(detail=True, methods=["post"])
    def agree(self, request: Request, pk: str | None = None) -> Response:
        bed = self.get_object()
        require(access.can_manage_support, request.user, bed)
        values = _input(s.AgreeSerializer, request)
        provider = _facility(values["provider"], ErrorCode.NOT_ELDER_FACILITY, "provider")
        return self.answer(
            services.care_bed_agree(actor=request.user, bed=bed, provider=provider, on=values["on"])
        )

    @extend_schema(request=s.MonthRecordSerializer, responses={201: s.CareBedMonthSerializer})
    @action(detail=True, methods=["post"])
    def months(self, request: Request, pk: str | None = None) -> Response:
        bed = self.get_object()
        require(access.can_record_service, request.user, bed)
        values = _input(s.MonthRecordSerializer, request)
        record = services.care_bed_record_month(actor=request.user, bed=bed, **values)
        return Response(s.CareBedMonthSerializer(record).data, status=status.HTTP_201_CREATED)


class CareBedClaimViewSet(_SupportViewSet):
    """The monthly bed claims: built (district), reviewed (town), approved (district), paid (roll)."""

    serializer_class = s.CareBedClaimSerializer
    model = CareBedClaim
    related = ("bed__resident",)

    def get_queryset(self):
        qs = super().get_queryset()
        month = self.request.query_params.get("month") if hasattr(self, "request") else None
        return qs.filter(month=month) if month and parse_date(month) else qs

    @extend_schema(request=None, responses=s.CareBedClaimSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        return self.answer(services.care_bed_claim_review(actor=request.user, claim=self.get_object()))

    @extend_schema(request=None, responses=s.CareBedClaimSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self.answer(services.care_bed_claim_approve(actor=request.user, claim=self.get_object()))

    @extend_schema(request=s.MonthSerializer, responses=s.BuildResultSerializer)
    @action(detail=False, methods=["post"])
    def build(self, request: Request) -> Response:
        require(access.can_approve_claim, request.user)
        values = _input(s.MonthSerializer, request)
        return Response(services.care_bed_claims_build(actor=request.user, month=values["month"]))

    @extend_schema(request=s.PaySerializer, responses=s.PaidSerializer)
    @action(detail=False, methods=["post"])
    def pay(self, request: Request) -> Response:
        require(access.can_pay_claims, request.user)
        values = _input(s.PaySerializer, request)
        paid = services.care_bed_claims_pay(
            actor=request.user, month=values["month"], paid_on=values["paid_on"]
        )
        return Response({"paid": paid})


class AdaptationViewSet(_SupportViewSet):
    """适老化改造: application, needs assessment, quote and the start of works."""

    serializer_class = s.AdaptationCaseSerializer
    model = AdaptationCase
    related = ("resident", "policy")
    view_check = staticmethod(access.can_manage_support)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("lines__item")

    @extend_schema(request=s.ApplySerializer, responses={201: s.AdaptationCaseSerializer})
    def create(self, request: Request) -> Response:
        require(access.can_manage_support, request.user)
        values = _input(s.ApplySerializer, request)
        case = services.adaptation_apply(
            actor=request.user,
            resident=_resident(request, values["id_number"]),
            applied_on=values["applied_on"],
        )
        return self.answer(case, status.HTTP_201_CREATED)

    def _refetched(self, case: AdaptationCase) -> Response:
        return self.answer(self.get_queryset().get(pk=case.pk))

    @extend_schema(request=s.NeedsSerializer, responses=s.AdaptationCaseSerializer)
    @action(detail=True, methods=["post"])
    def needs(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        require(access.can_manage_support, request.user, case)
        values = _input(s.NeedsSerializer, request)
        return self._refetched(
            services.adaptation_assess_needs(actor=request.user, case=case, items=values["items"])
        )

    @extend_schema(request=s.QuoteSerializer, responses=s.AdaptationCaseSerializer)
    @action(detail=True, methods=["post"])
    def quote(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        require(access.can_manage_support, request.user, case)
        values = _input(s.QuoteSerializer, request)
        return self._refetched(
            services.adaptation_quote(actor=request.user, case=case, prices=values["prices"])
        )

    @extend_schema(request=s.DateOnSerializer, responses=s.AdaptationCaseSerializer)
    @action(detail=True, methods=["post"])
    def works(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        require(access.can_manage_support, request.user, case)
        values = _input(s.DateOnSerializer, request)
        return self._refetched(
            services.adaptation_start_works(actor=request.user, case=case, on=values["on"])
        )


class PlacementViewSet(_SupportViewSet):
    """机构安置: placements on guaranteed beds (claimed up to capacity) and their end."""

    serializer_class = s.PlacementSerializer
    model = Placement
    related = ("resident",)

    @extend_schema(request=s.PlacementStartSerializer, responses={201: s.PlacementSerializer})
    def create(self, request: Request) -> Response:
        require(access.can_manage_support, request.user)
        values = _input(s.PlacementStartSerializer, request)
        placement = services.placement_start(
            actor=request.user,
            resident=_resident(request, values["id_number"]),
            facility=_facility(values["facility"], ErrorCode.NOT_NURSING_HOME, "facility"),
            start_on=values["start_on"],
            guaranteed=values["guaranteed"],
        )
        return self.answer(placement, status.HTTP_201_CREATED)

    @extend_schema(request=s.DateOnSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        placement = self.get_object()
        require(access.can_manage_support, request.user, placement)
        values = _input(s.DateOnSerializer, request)
        return self.answer(
            services.placement_end(actor=request.user, placement=placement, end_on=values["on"])
        )


class GuaranteedBedsViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Public nursing homes' guaranteed beds (兜底床位) and how many are taken."""

    serializer_class = s.GuaranteedBedsSerializer

    def get_queryset(self):
        from facilities.models import Facility

        if getattr(self, "swagger_fake_view", False):
            return GuaranteedBeds.objects.none()
        require(access.can_view_support, self.request.user)
        return (
            GuaranteedBeds.objects.filter(facility__in=Facility.objects.visible_to(self.request.user))
            .select_related("facility")
            .order_by("facility_id")
        )
