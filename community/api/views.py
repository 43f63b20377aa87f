"""Community API: thin views over the services, JSON bodies only. No action catches its own errors:
the shared handler answers every refusal with `{"code", "detail", "field"}`."""

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

from facilities.models import Facility, FacilityKind
from hechuan_portal.accounts.roles import require
from hechuan_portal.common.errors import PortalError

from .. import access, selectors, services
from ..error_codes import ErrorCode
from ..models import CareRecord, Donation, MealClaim, MealPolicy, Volunteer, VolunteerService
from . import serializers as s


def _input(serializer: type, request: Request) -> dict[str, Any]:
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class _Base(viewsets.GenericViewSet):
    parser_classes = [JSONParser]

    def fake(self) -> bool:
        return getattr(self, "swagger_fake_view", False)  # the schema generator has no user


class MealPolicyViewSet(mixins.ListModelMixin, _Base):
    """Cost-sharing policies (each meal's price split by person category, from a date): every working
    role reads them; the district creates them."""

    serializer_class = s.MealPolicySerializer

    def get_queryset(self):
        if not self.fake():
            require(access.can_use, self.request.user)
        return MealPolicy.objects.prefetch_related("shares").order_by("-effective_from")

    @extend_schema(request=s.MealPolicyCreateSerializer, responses={201: s.MealPolicySerializer})
    def create(self, request: Request) -> Response:
        require(access.can_manage_policy, request.user)
        values = _input(s.MealPolicyCreateSerializer, request)
        policy = services.policy_create(actor=request.user, **values)
        return Response(s.MealPolicySerializer(policy).data, status=status.HTTP_201_CREATED)


class DonationViewSet(mixins.ListModelMixin, _Base):
    """Donations (社会捐一点) recorded as income with the donor and the use: district roles."""

    serializer_class = s.DonationSerializer

    def get_queryset(self):
        if self.fake():
            return Donation.objects.none()
        require(access.can_manage_policy, self.request.user)
        return Donation.objects.order_by("-received_on", "-id")

    @extend_schema(request=s.DonationCreateSerializer, responses={201: s.DonationSerializer})
    def create(self, request: Request) -> Response:
        require(access.can_manage_policy, request.user)
        values = _input(s.DonationCreateSerializer, request)
        canteen, canteen_id = None, values.pop("canteen")
        if canteen_id:
            canteen = Facility.objects.filter(pk=canteen_id, kind=FacilityKind.ELDER_CANTEEN).first()
            if canteen is None:
                raise PortalError(ErrorCode.NOT_A_CANTEEN, field="canteen")
        donation = services.donation_record(
            actor=request.user, canteen=canteen, town_id=canteen.town_id if canteen else None, **values
        )
        return Response(s.DonationSerializer(donation).data, status=status.HTTP_201_CREATED)


class MealClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Monthly meal claims within scope (`?month=YYYY-MM-01`): reviewed by the town, approved by the
    district, or returned with a reason."""

    serializer_class = s.MealClaimSerializer

    def get_queryset(self):
        if self.fake():
            return MealClaim.objects.none()
        require(access.can_use, self.request.user)
        qs = (
            MealClaim.objects.visible_to(self.request.user)
            .select_related("canteen")
            .order_by("-month", "canteen_id")
        )
        month = parse_date(self.request.query_params.get("month") or "")
        return qs.filter(month=month) if month else qs

    def _move(self, request: Request, service: Any) -> Response:
        claim = self.get_object()
        values = _input(s.ReasonSerializer, request)
        return Response(s.MealClaimSerializer(service(actor=request.user, claim=claim, **values)).data)

    @extend_schema(request=s.ReasonSerializer, responses=s.MealClaimSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, services.claim_review)

    @extend_schema(request=s.ReasonSerializer, responses=s.MealClaimSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, services.claim_approve)

    @extend_schema(
        request=s.ReasonSerializer, responses=s.MealClaimSerializer, operation_id="community_claims_return"
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, services.claim_return)


class CareRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Bathing and cleaning visits within scope (recorded with their photo on the provider's phone
    page) and the community's satisfaction callback."""

    serializer_class = s.CareRecordSerializer

    def get_queryset(self):
        if self.fake():
            return CareRecord.objects.none()
        require(access.can_use, self.request.user)
        return (
            CareRecord.objects.visible_to(self.request.user)
            .select_related("resident")
            .prefetch_related("photos")
            .order_by("-performed_at", "-id")
        )

    @extend_schema(request=s.CallbackSerializer, responses=s.CareRecordSerializer)
    @action(detail=True, methods=["post"])
    def callback(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        require(access.can_plan_care, request.user, record.town_id)
        values = _input(s.CallbackSerializer, request)
        return Response(
            s.CareRecordSerializer(services.care_callback(actor=request.user, record=record, **values)).data
        )


class VolunteerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Time-bank volunteers within scope, registration, and each one's statement (every ledger entry
    with its source and the balance after it)."""

    serializer_class = s.VolunteerSerializer

    def get_queryset(self):
        if self.fake():
            return Volunteer.objects.none()
        require(access.can_manage_volunteers, self.request.user)
        return (
            Volunteer.objects.visible_to(self.request.user)
            .select_related("resident")
            .order_by("town_id", "id")
        )

    @extend_schema(request=s.IdNumberSerializer, responses={201: s.VolunteerSerializer})
    def create(self, request: Request) -> Response:
        require(access.can_manage_volunteers, request.user)
        values = _input(s.IdNumberSerializer, request)
        resident = selectors.resident_by_number(values["id_number"])
        if resident is None:
            raise PortalError(ErrorCode.RESIDENT_NOT_FOUND, field="id_number", status=404)
        volunteer = services.volunteer_register(actor=request.user, resident=resident)
        return Response(s.VolunteerSerializer(volunteer).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.StatementSerializer)
    @action(detail=True, methods=["get"])
    def statement(self, request: Request, pk: str | None = None) -> Response:
        volunteer = self.get_object()
        entries = selectors.volunteer_statement(volunteer=volunteer)
        return Response(s.StatementSerializer({"volunteer": volunteer, "entries": entries}).data)


class VolunteerServiceViewSet(mixins.ListModelMixin, _Base):
    """Volunteer services: recorded for a volunteer, confirmed by the recipient's town (then the hours
    are earned in the ledger)."""

    serializer_class = s.VolunteerServiceSerializer

    def get_queryset(self):
        if self.fake():
            return VolunteerService.objects.none()
        require(access.can_manage_volunteers, self.request.user)
        return selectors.volunteer_services(user=self.request.user).order_by("-day", "-id")

    @extend_schema(request=s.VolunteerServiceCreateSerializer, responses={201: s.VolunteerServiceSerializer})
    def create(self, request: Request) -> Response:
        require(access.can_manage_volunteers, request.user)
        values = _input(s.VolunteerServiceCreateSerializer, request)
        volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=values.pop("volunteer"))
        recipient = selectors.resident_by_number(values.pop("recipient_id_number"))
        if recipient is None:
            raise PortalError(ErrorCode.RESIDENT_NOT_FOUND, field="recipient_id_number", status=404)
        service = services.service_record(
            actor=request.user, volunteer=volunteer, recipient=recipient, **values
        )
        return Response(s.VolunteerServiceSerializer(service).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.LedgerEntrySerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        service = self.get_object()
        entry = services.service_confirm(actor=request.user, service=service)
        return Response(s.LedgerEntrySerializer(entry).data)
