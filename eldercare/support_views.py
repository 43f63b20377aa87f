"""Staff pages of family care beds (家庭养老床位), their monthly claims, home adaptation (适老化改造) and
institution placements (机构安置), phone-first. Thin: rows from `visible_to`, permissions from
access.py, every write a service; a refusal comes back on the form that caused it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hechuan_portal.common.errors import PortalError, form_error
from hechuan_portal.common.listing import sorted_page
from hechuan_portal.common.months import month_start, parse_month
from hechuan_portal.common.uploads import serve_upload
from hechuan_portal.residents.models import Resident

from . import access, selectors, services
from .error_codes import ErrorCode
from .forms import (
    AcceptForm,
    AgreeForm,
    ApplyForm,
    ClaimsMonthForm,
    DateForm,
    MonthRecordForm,
    NeedsForm,
    PlacementForm,
    QuoteForm,
    SetUpForm,
)
from .models import (
    AdaptationCase,
    AdaptationItem,
    AdaptationPhoto,
    AdaptationStatus,
    CareBed,
    CareBedClaim,
    CareBedPhoto,
    CareBedPolicy,
    CareBedStatus,
    ClaimStatus,
    GuaranteedBeds,
    Placement,
)
from .views import _town_filter, require


def _resident(request: HttpRequest, form: Form) -> Resident:
    resident = selectors.find_resident(user=request.user, id_number=form.cleaned_data["id_number"])
    if resident is None:
        raise PortalError(ErrorCode.RESIDENT_NOT_FOUND, field="id_number", status=404)
    return resident


# Beds and adaptations sort alike; placements by the person, the home or the start.
CASE_COLUMNS = {
    "applied": "applied_on",
    "name": "resident__name",
    "town": ("town_id", "applied_on"),
    "status": ("status", "applied_on"),
}
PLACEMENT_COLUMNS = {"name": "resident__name", "facility": "facility__name", "start": "start_on"}


def _listing(request: HttpRequest, qs: QuerySet, statuses: Any) -> dict[str, Any]:
    town, towns = _town_filter(request)
    status = request.GET.get("status") or None
    if town:
        qs = qs.filter(town_id=town)
    if status in dict(statuses):
        qs = qs.filter(status=status)
    else:
        status = None
    page = sorted_page(request, qs, columns=CASE_COLUMNS)
    return {"page": page, "town": town, "towns": towns, "status": status, "statuses": statuses}


def _refusal(code: str, min_grade: int) -> str:
    """The recorded reason of a refused application, as the person reads it."""
    return str(ErrorCode(code).label) % {"grade": min_grade} if code else ""


def _bed_policy(bed: CareBed) -> CareBedPolicy:
    return (
        CareBedPolicy.objects.filter(effective_from__lte=bed.applied_on).first()
        or CareBedPolicy.objects.order_by("effective_from").first()
        or CareBedPolicy(name="")
    )


# --- family care beds -----------------------------------------------------------------------------


@login_required
def bed_list(request: HttpRequest) -> HttpResponse:
    require(access.can_view_support, request.user)
    qs = CareBed.objects.visible_to(request.user).select_related("resident", "town", "provider")
    return render(request, "eldercare/bed_list.html", _listing(request, qs, CareBedStatus.choices))


# An application of each kind: the service that records it and the page of the recorded row.
_APPLICATIONS = {
    "bed": (services.care_bed_apply, "eldercare:bed_detail"),
    "adaptation": (services.adaptation_apply, "eldercare:adaptation_detail"),
}


@login_required
def application_new(request: HttpRequest, *, kind: str) -> HttpResponse:
    """An application for a family care bed (`kind="bed"`) or a home adaptation (`"adaptation"`).
    Eligibility is decided at once: an applicant outside the rules is recorded as refused, with the
    reason; a home already subsidised is refused outright (the service raises)."""
    apply, detail = _APPLICATIONS[kind]
    require(access.can_manage_support, request.user)
    form = ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = apply(
                actor=request.user,
                resident=_resident(request, form),
                applied_on=form.cleaned_data["applied_on"],
            )
        except PortalError as exc:
            form_error(form, exc)
        else:
            return redirect(detail, pk=row.pk)
    status = 400 if form.errors else 200
    return render(request, "eldercare/apply.html", {"form": form, "kind": kind}, status=status)


def _bed_forms(request: HttpRequest, bed: CareBed) -> dict[str, Form | None]:
    """The one form the bed's status asks for next, if this user may use it."""
    post = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    user = request.user
    manage = access.can_manage_support(user, bed)
    return {
        "agree": AgreeForm(post) if manage and bed.status == CareBedStatus.ELIGIBLE else None,
        "set_up": SetUpForm(post, files) if manage and bed.status == CareBedStatus.AGREED else None,
        "month": MonthRecordForm(post)
        if bed.status == CareBedStatus.ACTIVE and access.can_record_service(user, bed)
        else None,
    }


def _bed_act(request: HttpRequest, bed: CareBed, step: str, form: Form) -> None:
    data = form.cleaned_data
    if step == "agree":
        services.care_bed_agree(actor=request.user, bed=bed, provider=data["provider"], on=data["on"])
    elif step == "set_up":
        lng, lat = data.get("lng"), data.get("lat")
        services.care_bed_set_up(
            actor=request.user,
            bed=bed,
            on=data["on"],
            photos=data["photos"],
            location=Point(lng, lat, srid=4326) if lng is not None and lat is not None else None,
            notes=data["notes"],
        )
    else:
        services.care_bed_record_month(
            actor=request.user,
            bed=bed,
            month=month_start(data["month"]),
            visits=data["visits"],
            hours=data["hours"],
            services=data["services"],
        )


@login_required
def bed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A bed's history and the next step: agreement, set-up at home (photos, location), monthly
    service records (by the provider)."""
    require(access.can_view_support, request.user)
    bed = get_object_or_404(
        CareBed.objects.visible_to(request.user).select_related(
            "resident", "town", "provider", "recorded_by"
        ),
        pk=pk,
    )
    forms = _bed_forms(request, bed)
    status = 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        form = forms.get(step)
        if form is None:
            raise PermissionDenied
        elif form.is_valid():
            try:
                _bed_act(request, bed, step, form)
            except PortalError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("eldercare:bed_detail", pk=bed.pk)
        status = 400
    policy = _bed_policy(bed)
    return render(
        request,
        "eldercare/bed_detail.html",
        {
            "bed": bed,
            "forms": forms,
            "refusal": _refusal(bed.refusal_reason, policy.min_grade),
            "policy": policy,
            "months": bed.months.select_related("recorded_by"),
            "claims": bed.claims.all(),
            "photos": bed.photos.all(),
        },
        status=status,
    )


@login_required
def bed_photo(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.can_view_support, request.user)
    return serve_upload(
        request,
        CareBedPhoto.objects.filter(bed__in=CareBed.objects.visible_to(request.user)),
        pk,
        town="bed__town",
    )


@login_required
def bed_claims(request: HttpRequest) -> HttpResponse:
    """The month's bed claims: built by the district from the service records, beds below the
    monthly minimum flagged and not claimed; reviewed by the town, approved by the district and paid
    in the month's roll (district administrators)."""
    require(access.can_view_support, request.user)
    month = parse_month(request.GET.get("month")) or month_start(timezone.localdate())
    form = ClaimsMonthForm(request.POST or None, initial={"month": month})
    if request.method == "POST":
        step = request.POST.get("step")
        check = access.can_pay_claims if step == "pay" else access.can_approve_claim
        require(check, request.user)
        if form.is_valid():
            chosen = month_start(form.cleaned_data["month"])
            try:
                if step == "pay":
                    paid_on = form.cleaned_data["paid_on"] or timezone.localdate()
                    n = services.care_bed_claims_pay(actor=request.user, month=chosen, paid_on=paid_on)
                    messages.success(request, _("已发放 %(n)s 份床位补贴。") % {"n": n})
                else:
                    built = services.care_bed_claims_build(actor=request.user, month=chosen)
                    messages.success(
                        request,
                        _("已生成 %(claims)s 份申领，%(flagged)s 张床位未达到每月最低服务标准。") % built,
                    )
            except PortalError as exc:
                messages.error(request, exc.detail)
            return redirect(f"{request.path}?month={chosen:%Y-%m}")
    visible = CareBed.objects.visible_to(request.user)
    claims = (
        CareBedClaim.objects.visible_to(request.user)
        .filter(month=month)
        .select_related("bed__resident", "bed__provider", "town")
    )
    totals = claims.aggregate(n=Count("id"), paid=Count("id", filter=Q(status=ClaimStatus.PAID)))
    return render(
        request,
        "eldercare/bed_claims.html",
        {
            "month": month,
            "form": form,
            "claims": claims,
            "totals": totals,
            "flagged": selectors.care_beds_below_minimum(month=month)
            .filter(pk__in=visible.values("pk"))
            .select_related("resident", "provider"),
        },
    )


@login_required
@require_POST
def bed_claim_action(request: HttpRequest, pk: int) -> HttpResponse:
    """The town's review or the district's approval of one claim."""
    require(access.can_view_support, request.user)
    claim = get_object_or_404(CareBedClaim.objects.visible_to(request.user), pk=pk)
    step = request.POST.get("step")
    check = access.can_approve_claim if step == "approve" else access.can_review_claim
    require(check, request.user, claim)
    try:
        if step == "approve":
            services.care_bed_claim_approve(actor=request.user, claim=claim)
        else:
            services.care_bed_claim_review(actor=request.user, claim=claim)
    except PortalError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("申领状态已更新。"))
    return redirect(f"{reverse('eldercare:bed_claims')}?month={claim.month:%Y-%m}")


# --- home adaptation ------------------------------------------------------------------------------


@login_required
def adaptation_list(request: HttpRequest) -> HttpResponse:
    require(access.can_manage_support, request.user)
    qs = AdaptationCase.objects.visible_to(request.user).select_related("resident", "town")
    return render(request, "eldercare/adaptation_list.html", _listing(request, qs, AdaptationStatus.choices))


def _adaptation_forms(request: HttpRequest, case: AdaptationCase, lines: list) -> dict[str, Form | None]:
    post = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    s = case.status
    needs = s in (AdaptationStatus.APPLIED, AdaptationStatus.ASSESSED)
    return {
        "needs": NeedsForm(
            post,
            items=AdaptationItem.objects.filter(active=True),
            current={line.item.code: line.quantity for line in lines},
        )
        if needs
        else None,
        "quote": QuoteForm(post, lines=lines)
        if s in (AdaptationStatus.ASSESSED, AdaptationStatus.QUOTED)
        else None,
        "works": DateForm(post, label=_("开工日期")) if s == AdaptationStatus.QUOTED else None,
        "accept": AcceptForm(post, files, label=_("验收日期")) if s == AdaptationStatus.WORKS else None,
    }


def _adaptation_act(request: HttpRequest, case: AdaptationCase, step: str, form: Any) -> None:
    actor = request.user
    if step == "needs":
        services.adaptation_assess_needs(actor=actor, case=case, items=form.items())
    elif step == "quote":
        services.adaptation_quote(actor=actor, case=case, prices=form.prices())
    elif step == "works":
        services.adaptation_start_works(actor=actor, case=case, on=form.cleaned_data["on"])
    else:
        services.adaptation_accept(
            actor=actor,
            case=case,
            on=form.cleaned_data["on"],
            before_photos=form.cleaned_data["before_photos"],
            after_photos=form.cleaned_data["after_photos"],
        )


@login_required
def adaptation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A home's case and its next step: needs assessment against the catalogue, the quote, the works,
    acceptance with before/after photos (when the subsidy, up to the cap, is fixed)."""
    require(access.can_manage_support, request.user)
    case = get_object_or_404(
        AdaptationCase.objects.visible_to(request.user).select_related(
            "resident", "town", "policy", "recorded_by"
        ),
        pk=pk,
    )
    lines = list(case.lines.select_related("item").order_by("item__category", "item__code"))
    forms = _adaptation_forms(request, case, lines)
    status = 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        form = forms.get(step)
        if form is None:
            raise PermissionDenied
        elif form.is_valid():
            try:
                _adaptation_act(request, case, step, form)
            except PortalError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("eldercare:adaptation_detail", pk=case.pk)
        status = 400
    return render(
        request,
        "eldercare/adaptation_detail.html",
        {
            "case": case,
            "lines": [(line, line.unit_price * line.quantity) for line in lines],
            "forms": forms,
            "refusal": _refusal(case.refusal_reason, case.policy.min_grade),
            "photos": case.photos.all(),
        },
        status=status,
    )


@login_required
def adaptation_photo(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.can_manage_support, request.user)
    visible = AdaptationCase.objects.visible_to(request.user)
    return serve_upload(request, AdaptationPhoto.objects.filter(case__in=visible), pk, town="case__town")


# --- institution placements -----------------------------------------------------------------------


@login_required
def placement_list(request: HttpRequest) -> HttpResponse:
    """Guaranteed beds (兜底床位) per public nursing home with their occupancy, and the placements."""
    require(access.can_view_support, request.user)
    town, towns = _town_filter(request)
    qs = Placement.objects.visible_to(request.user).select_related("resident", "facility", "town")
    if town:
        qs = qs.filter(town_id=town)
    if request.GET.get("all") != "1":
        qs = qs.filter(end_on__isnull=True)
    from facilities.models import Facility

    beds = (
        GuaranteedBeds.objects.filter(facility__in=Facility.objects.visible_to(request.user))
        .select_related("facility__town")
        .annotate(free=F("capacity") - F("used"))
    )
    page = sorted_page(request, qs, columns=PLACEMENT_COLUMNS)
    return render(
        request,
        "eldercare/placement_list.html",
        {
            "page": page,
            "town": town,
            "towns": towns,
            "beds": beds,
            "show_all": request.GET.get("all") == "1",
        },
    )


@login_required
def placement_new(request: HttpRequest) -> HttpResponse:
    require(access.can_manage_support, request.user)
    form = PlacementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.placement_start(
                actor=request.user,
                resident=_resident(request, form),
                facility=data["facility"],
                start_on=data["start_on"],
                guaranteed=data["guaranteed"],
            )
        except PortalError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已登记机构安置。"))
            return redirect("eldercare:placement_list")
    status = 400 if form.errors else 200
    return render(request, "eldercare/placement_new.html", {"form": form}, status=status)


@login_required
@require_POST
def placement_end(request: HttpRequest, pk: int) -> HttpResponse:
    """The elder leaves: the placement ends and its guaranteed bed is freed."""
    require(access.can_manage_support, request.user)
    placement = get_object_or_404(Placement.objects.visible_to(request.user), pk=pk)
    require(access.can_manage_support, request.user, placement)
    form = DateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写离院日期。"))
    else:
        try:
            services.placement_end(actor=request.user, placement=placement, end_on=form.cleaned_data["on"])
        except PortalError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("已办理离院。"))
    return redirect("eldercare:placement_list")
