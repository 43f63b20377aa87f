"""Childcare API: thin viewsets over the services; every queryset starts from `visible_to(user)`."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from facilities.models import Facility
from hechuan_portal.accounts.audit import AuditedReadMixin
from hechuan_portal.accounts.roles import require
from hechuan_portal.common.errors import CommonCode, PortalError

from .. import access, selectors, services
from ..filters import CheckupFilter, ChildFilter, ClassFilter, EnrolmentFilter, WaitlistFilter
from ..models import Checkup, Child, ChildcareClass, Enrolment, FollowUp, WaitlistEntry
from . import serializers as s


def _get(qs, pk):
    """An object within the user's scope, or the `not_in_scope` 404 (never confirms it exists)."""
    obj = qs.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise PortalError(CommonCode.NOT_IN_SCOPE, status=404)
    return obj


class ChildcareAPIMixin:
    """Writes need a working role (`access.can_use`); refusals of the services reach the client
    through the portal's one exception handler."""

    def require_write(self):
        require(access.can_use, self.request.user)


class ClassViewSet(ChildcareAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Classes (班级) with their 托位; create and change go through the standard's checks."""

    serializer_class = s.ClassSerializer
    filterset_class = ClassFilter

    def get_queryset(self):
        return selectors.class_list(user=self.request.user).order_by("facility_id", "name")

    @extend_schema(request=s.ClassCreateSerializer, responses={201: s.ClassSerializer})
    def create(self, request, *args, **kwargs):
        self.require_write()
        data = s.ClassCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        facility = _get(Facility.objects.visible_to(request.user), v.pop("facility"))
        klass = services.class_create(actor=request.user, facility=facility, **v)
        return Response(s.ClassSerializer(klass).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ClassUpdateSerializer, responses=s.ClassSerializer)
    def partial_update(self, request, *args, **kwargs):
        self.require_write()
        klass = self.get_object()
        data = s.ClassUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        klass = services.class_update(actor=request.user, klass=klass, **data.validated_data)
        return Response(s.ClassSerializer(klass).data)


class ChildViewSet(AuditedReadMixin, ChildcareAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Children; personal data of minors: every list page and record read is audited."""

    serializer_class = s.ChildSerializer
    filterset_class = ChildFilter

    def get_queryset(self):
        return Child.objects.visible_to(self.request.user).order_by("id")

    @extend_schema(request=s.ChildCreateSerializer, responses={201: s.ChildSerializer})
    def create(self, request, *args, **kwargs):
        self.require_write()
        data = s.ChildCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        facility = None
        if v["facility"] is not None:
            facility = _get(Facility.objects.visible_to(request.user), v["facility"])
        v.pop("facility")
        child = services.child_create(
            actor=request.user, facility=facility, town_id=v.pop("town"), community_id=v.pop("community"), **v
        )
        return Response(s.ChildSerializer(child).data, status=status.HTTP_201_CREATED)


class EnrolmentViewSet(AuditedReadMixin, ChildcareAPIMixin, viewsets.ReadOnlyModelViewSet):
    """入托: POST enrols a child into a class (`class_full` when no place is free). A child's
    enrolments are their personal record: every read is audited."""

    serializer_class = s.EnrolmentSerializer
    filterset_class = EnrolmentFilter

    def get_queryset(self):
        return (
            Enrolment.objects.visible_to(self.request.user).select_related("child", "klass").order_by("-id")
        )

    @extend_schema(request=s.EnrolmentCreateSerializer, responses={201: s.EnrolmentSerializer})
    def create(self, request, *args, **kwargs):
        self.require_write()
        data = s.EnrolmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        klass = _get(ChildcareClass.objects.visible_to(request.user).select_related("facility"), v["klass"])
        child = _get(Child.objects.visible_to(request.user), v["child"])
        enrolment = services.enrolment_create(
            actor=request.user, child=child, klass=klass, start_date=v["start_date"]
        )
        return Response(s.EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.WithdrawSerializer, responses=s.EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        self.require_write()
        enrolment = self.get_object()
        data = s.WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.enrolment_withdraw(
            actor=request.user, enrolment=enrolment, end_date=data.validated_data["end_date"]
        )
        return Response(s.EnrolmentSerializer(enrolment).data)


class WaitlistViewSet(AuditedReadMixin, ChildcareAPIMixin, viewsets.ReadOnlyModelViewSet):
    """候补: listed in the transparent order (priority points, then application time); every read
    is audited."""

    serializer_class = s.WaitlistSerializer
    filterset_class = WaitlistFilter

    def get_queryset(self):
        return WaitlistEntry.objects.visible_to(self.request.user).prefetch_related("categories").in_order()

    @extend_schema(request=s.WaitlistJoinSerializer, responses={201: s.WaitlistSerializer})
    def create(self, request, *args, **kwargs):
        self.require_write()
        data = s.WaitlistJoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        klass = _get(ChildcareClass.objects.visible_to(request.user).select_related("facility"), v["klass"])
        child = _get(Child.objects.visible_to(request.user), v["child"])
        entry = services.waitlist_join(
            actor=request.user, child=child, klass=klass, category_codes=v["categories"]
        )
        return Response(s.WaitlistSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AcceptSerializer, responses={201: s.EnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        self.require_write()
        entry = self.get_object()
        data = s.AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.waitlist_accept(
            actor=request.user, entry=entry, start_date=data.validated_data["start_date"]
        )
        return Response(s.EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class CheckupViewSet(AuditedReadMixin, ChildcareAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Health check-ups: the childcare facility, the recording clinic and district staff only;
    every read is audited."""

    serializer_class = s.CheckupSerializer
    filterset_class = CheckupFilter

    def get_queryset(self):
        return Checkup.objects.visible_to(self.request.user).order_by("child_id", "age_months")

    @extend_schema(request=s.CheckupRecordSerializer, responses=s.CheckupSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        self.require_write()
        checkup = self.get_object()
        data = s.CheckupRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        clinic = _get(Facility.objects.all(), v.pop("clinic"))
        checkup = services.checkup_record(actor=request.user, checkup=checkup, clinic=clinic, **v)
        return Response(s.CheckupSerializer(checkup).data)


class FollowUpViewSet(AuditedReadMixin, ChildcareAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Follow-ups (re-screening, referral) a check-up called for; same visibility as check-ups."""

    serializer_class = s.FollowUpSerializer
    filterset_fields = ["reason"]

    def get_queryset(self):
        return FollowUp.objects.visible_to(self.request.user).order_by("due_date", "id")

    @extend_schema(request=s.CompleteSerializer, responses=s.FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        self.require_write()
        follow_up = self.get_object()
        data = s.CompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = services.followup_complete(
            actor=request.user, follow_up=follow_up, completed_on=data.validated_data["completed_on"]
        )
        return Response(s.FollowUpSerializer(follow_up).data)


class VoucherRedeemView(ChildcareAPIMixin, APIView):
    """Redeem a 托育服务体验券 at a 普惠 facility (once)."""

    @extend_schema(request=s.RedeemSerializer, responses=s.VoucherSerializer)
    def post(self, request):
        self.require_write()
        data = s.RedeemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        facility = _get(Facility.objects.visible_to(request.user), data.validated_data["facility"])
        voucher = services.voucher_redeem(
            actor=request.user, code=data.validated_data["code"], facility=facility
        )
        return Response(s.VoucherSerializer(voucher).data)


class PlacesStatsView(APIView):
    """托位 per 1,000 residents and 普惠 share, per town and for the district (aggregates only)."""

    @extend_schema(responses=s.PlacesStatsSerializer)
    def get(self, request):
        require(access.can_view_places_overview, request.user)
        rows, district = selectors.places_by_town(user=request.user)
        return Response(s.PlacesStatsSerializer({"district": district, "towns": rows}).data)
