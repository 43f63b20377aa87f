"""Staff pages under /manage/community/: thin — selectors read, services write, `access` decides."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hechuan_portal.accounts.audit import audit_read
from hechuan_portal.accounts.reauth import reauth_required
from hechuan_portal.accounts.scope import scope_for
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common.errors import PortalError, form_error, form_refusal
from hechuan_portal.common.listing import sorted_page
from hechuan_portal.common.months import month_start, parse_month
from hechuan_portal.common.uploads import serve_upload
from hechuan_portal.residents.models import Resident

from . import access, rules, selectors, services
from .error_codes import ErrorCode
from .forms import (
    CallbackForm,
    CarePlanForm,
    CareRecordForm,
    ClaimActionForm,
    DonationForm,
    IdSearchForm,
    MealFileForm,
    MealForm,
    MonthForm,
    PolicyForm,
    RedeemForm,
    TransferForm,
    VolunteerServiceForm,
)
from .models import (
    CarePhoto,
    CareRecord,
    ClaimRoll,
    Donation,
    MealClaim,
    MealImport,
    MealPolicy,
    PersonCategory,
    Volunteer,
)


def community_user(view: Callable[..., Any]) -> Callable[..., Any]:
    """Logged in with a scope: auditors (who read the audit log only) are refused."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.can_use(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _month(request) -> dt.date:
    return parse_month(request.GET.get("month")) or month_start(timezone.localdate())


@community_user
def index(request):
    """This month's meals per town and category, and the claims the user may see."""
    month = _month(request)
    rows = selectors.meals_by_town_and_category(month=month, user=request.user)
    labels = dict(PersonCategory.choices)
    claims = MealClaim.objects.visible_to(request.user).filter(month=month).select_related("canteen__town")
    return render(
        request,
        "community/index.html",
        {
            "month": month,
            "meal_rows": [{**r, "label": labels[r["cat"]]} for r in rows],
            "meal_total": sum(r["meals"] for r in rows),
            "claims": claims,
            "claim_total": claims.aggregate(total=Sum("government_amount"))["total"] or 0,
            "imports": MealImport.objects.visible_to(request.user).select_related("canteen")[:10],
        },
    )


@community_user
def meal_import(request):
    form = MealFileForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        canteen = form.cleaned_data["canteen"]
        upload = form.cleaned_data["file"]
        try:
            batch = services.meals_import(
                actor=request.user, canteen=canteen, source=upload, file_name=upload.name, request=request
            )
        except PortalError as exc:
            form_error(form, exc)
        else:
            return redirect("community:import_detail", pk=batch.pk)
    return render(request, "community/meal_import.html", {"form": form})


@community_user
def import_detail(request, pk):
    batch = get_object_or_404(MealImport.objects.visible_to(request.user).select_related("canteen"), pk=pk)
    problems = [
        {**e, "text": e.get("text") or rules.problem_text(e["code"], e.get("column", ""))}
        for e in batch.errors
    ]
    return render(request, "community/import_detail.html", {"batch": batch, "problems": problems})


@community_user
def meal_new(request):
    """The phone form of a small canteen: one entry at a time."""
    form = MealForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.meal_record(
                actor=request.user,
                canteen=data["canteen"],
                day=data["day"],
                category=data["category"],
                way=data["way"],
                id_number=data["id_number"],
                count=data["count"],
                request=request,
            )
        except PortalError as exc:
            form_error(form, exc)
        else:
            if batch.errors:
                for e in batch.errors:
                    form.add_error(
                        None, f"{e.get('column') or ''} {rules.problem_text(e['code'], e.get('column', ''))}"
                    )
            else:
                messages.success(request, _("已登记。"))
                return redirect("community:meal_new")
    return render(request, "community/meal_new.html", {"form": form})


# The lists' sortable columns (common/listing.py).
CLAIM_COLUMNS = {
    "canteen": "canteen__name",
    "town": ("canteen__town_id", "canteen__name"),
    "meals": "meals",
    "amount": "government_amount",
    "status": ("status", "canteen__name"),
}
CARE_COLUMNS = {"at": "performed_at", "resident": "resident__name", "kind": ("kind", "performed_at")}
VOLUNTEER_COLUMNS = {
    "name": "resident__name",
    "community": ("community_id", "resident__name"),
    "earned": "earned",
    "balance": "balance",
}
DONATION_COLUMNS = {"received": "received_on", "donor": "donor", "amount": "amount"}


@community_user
def claim_list(request):
    month = _month(request)
    form = MonthForm(request.POST or None)
    if request.method == "POST":
        if not access.can_compute_all_claims(request.user):
            raise PermissionDenied
        if form.is_valid():
            written = services.claims_compute(actor=request.user, month=form.cleaned_data["month"])
            messages.success(request, _("已计算 %(n)s 份申报。") % {"n": written})
            return redirect(f"{request.path}?month={form.cleaned_data['month']:%Y-%m}")
    claims = sorted_page(
        request,
        MealClaim.objects.visible_to(request.user)
        .filter(month=month)
        .select_related("canteen__town", "roll")
        .order_by("canteen__town_id", "canteen__name"),
        columns=CLAIM_COLUMNS,
    )
    return render(request, "community/claim_list.html", {"month": month, "claims": claims, "form": form})


@community_user
def claim_detail(request, pk):
    claim = get_object_or_404(
        MealClaim.objects.visible_to(request.user).select_related("canteen__town"), pk=pk
    )
    form = ClaimActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action == "review":
                services.claim_review(actor=request.user, claim=claim, reason=reason)
            elif action == "approve":
                services.claim_approve(actor=request.user, claim=claim, reason=reason)
            else:
                services.claim_return(actor=request.user, claim=claim, reason=reason)
        except PortalError as exc:
            form_refusal(form, exc)
        else:
            messages.success(request, _("申报状态已更新。"))
            return redirect("community:claim_detail", pk=claim.pk)
    findings = selectors.claim_findings(canteen=claim.canteen, month=claim.month)
    people = Resident.objects.in_bulk(
        {row["resident_id"] for rows in findings.values() for row in rows if row.get("resident_id")}
    )
    for rows in findings.values():
        for row in rows:
            row["person"] = people.get(row.get("resident_id"))
    return render(
        request,
        "community/claim_detail.html",
        {
            "claim": claim,
            "form": form,
            "findings": findings,
            "finding_count": sum(len(r) for r in findings.values()),
            "changes": claim.changes.select_related("actor"),
            "may_review": access.can_review_claim(request.user, claim),
            "may_approve": access.can_approve_claim(request.user, claim),
        },
    )


def _roll_month(month: str) -> dt.date:
    parsed = parse_month(month)
    if parsed is None:
        raise Http404
    return parsed


@community_user
def roll_detail(request, month):
    if not access.can_manage_roll(request.user):
        raise PermissionDenied
    first = _roll_month(month)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                services.roll_close(actor=request.user, month=first)
            else:
                services.roll_draft(actor=request.user, month=first)
        except PortalError as exc:
            messages.error(request, exc.detail)
        return redirect("community:roll_detail", month=month)
    roll = ClaimRoll.objects.filter(month=first).first()
    claims = roll.claims.select_related("canteen__town") if roll else MealClaim.objects.none()
    return render(request, "community/roll_detail.html", {"month": first, "roll": roll, "claims": claims})


@community_user
@reauth_required
def roll_bank_file(request, month):
    """The closed roll's bank file (CSV, UTF-8 with BOM so Excel/WPS open it)."""
    if not access.can_manage_roll(request.user):
        raise PermissionDenied
    first = _roll_month(month)
    out = io.StringIO()
    try:
        services.roll_bank_file(actor=request.user, month=first, output=out, request=request)
    except PortalError as exc:
        if exc.code == ErrorCode.ROLL_NOT_FOUND:
            raise Http404 from exc
        messages.error(request, exc.detail)
        return redirect("community:roll_detail", month=month)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meal-subsidy-{first:%Y-%m}.csv"'
    return response


@community_user
def care_list(request):
    """Monthly plans with the share delivered, and the month's records with their callback."""
    month = _month(request)

    records = sorted_page(
        request,
        CareRecord.objects.visible_to(request.user)
        .filter(performed_at__date__gte=month)
        .select_related("resident", "provider")
        .prefetch_related("photos"),
        columns=CARE_COLUMNS,
    )
    return render(
        request,
        "community/care_list.html",
        {
            "month": month,
            "plans": selectors.plan_delivery(user=request.user, month=month),
            "records": records,
            "may_call_back": access.can_plan_care(request.user),
        },
    )


@community_user
def care_new(request):
    """A bathing or cleaning visit, recorded on the provider's phone with a photo and the location."""
    form = CareRecordForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        resident = selectors.resident_by_number(data["id_number"])
        if resident is None:
            form.add_error("id_number", PortalError(ErrorCode.RESIDENT_NOT_FOUND).detail)
        else:
            try:
                services.care_record_create(
                    actor=request.user,
                    resident=resident,
                    kind=data["kind"],
                    provider=data["provider"],
                    photo=data["photo"],
                    lng=data["lng"],
                    lat=data["lat"],
                    accuracy_m=data["accuracy"],
                    location_note=data["location_note"],
                    request=request,
                )
            except PortalError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("服务记录已保存。"))
                return redirect("community:care_new")
    return render(
        request,
        "community/care_new.html",
        {"form": form, "max_point": rules.MAX_DISTANCE_POINT_M, "max_home": rules.MAX_DISTANCE_HOME_M},
    )


@community_user
def care_photo(request, pk):
    """A visit's photo, for whoever sees the visit: never cached, each view an audited read (the
    photo shows the elder), through the one upload-serving function."""
    records = CareRecord.objects.visible_to(request.user)
    return serve_upload(request, CarePhoto.objects.filter(record__in=records), pk, town="record__town")


@community_user
def care_plan_new(request):
    """Set an elder's monthly plan (visits of bathing or cleaning): the elder's town, district."""
    if not access.can_plan_care(request.user):
        raise PermissionDenied
    form = CarePlanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            resident = selectors.resident_by_number(data["id_number"], user=request.user)
            try:
                if resident is None:
                    raise PortalError(ErrorCode.RESIDENT_NOT_FOUND, field="resident", status=404)
                plan = services.care_plan_set(
                    actor=request.user,
                    resident=resident,
                    month=data["month"],
                    service=data["service"],
                    visits=data["visits"],
                )
            except PortalError as exc:
                status = form_refusal(form, exc, fields=_BY_NUMBER)
            else:
                messages.success(
                    request,
                    _("已保存 %(name)s 的月度计划。") % {"name": resident.name},
                )
                return redirect(f"{reverse('community:care_list')}?month={plan.month:%Y-%m}")
    return render(request, "community/care_plan.html", {"form": form}, status=status)


@require_POST
@community_user
def care_callback(request, pk):

    record = get_object_or_404(CareRecord.objects.visible_to(request.user), pk=pk)
    if not access.can_plan_care(request.user, record.town_id):
        raise PermissionDenied
    form = CallbackForm(request.POST)
    if form.is_valid():
        services.care_callback(
            actor=request.user,
            record=record,
            satisfaction=form.cleaned_data["satisfaction"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("回访已记录。"))
    else:
        messages.error(request, _("请选择满意度。"))
    return redirect("community:care_list")


# A refusal about the person looked up by the ID number typed goes on the ID number field.
_BY_NUMBER = {"resident": "id_number", "recipient": "id_number", "to": "id_number"}


def _time_bank_user(request) -> None:
    if not access.can_manage_volunteers(request.user):
        raise PermissionDenied


@community_user
def volunteer_list(request):
    """The community statement: each volunteer's hours earned, given, redeemed, expired and balance,
    of the user's scope, one town (district) or one village/community; printable."""
    _time_bank_user(request)
    # The town filter offers the towns of the user's scope (accounts/scope.py), as the rows do.
    scope = scope_for(request.user)
    towns = AdminArea.objects.towns().order_by("code")
    if not scope.everything:
        towns = towns.filter(code=scope.town_code)
    towns = list(towns)
    wanted = request.GET.get("town")
    town = next((t for t in towns if t.code == wanted), None) or (towns[0] if len(towns) == 1 else None)
    communities = list(AdminArea.objects.communities().filter(parent=town).order_by("code")) if town else []
    wanted = request.GET.get("community")
    community = next((c for c in communities if c.code == wanted), None)
    where = {"town_id": town.code if town else None, "community_id": community.code if community else None}
    volunteers = selectors.community_statement(user=request.user, **where)
    page = sorted_page(request, volunteers, columns=VOLUNTEER_COLUMNS)
    return render(
        request,
        "community/volunteer_list.html",
        {
            "rows": page,
            "totals": selectors.statement_totals(user=request.user, **where),
            "towns": towns,
            "town": town,
            "communities": communities,
            "community": community,
            "today": timezone.localdate(),
        },
    )


@community_user
def volunteer_register(request):
    """Register a volunteer: find the person by ID number (posted, looked up through the blind index
    within the user's scope), check the name, then confirm. A person outside the scope is not found."""
    _time_bank_user(request)
    action = request.POST.get("action") if request.method == "POST" else None
    searching = request.method == "POST" and action != "register"
    form = IdSearchForm(request.POST if searching else None)
    person, refusal, status = None, "", 200
    if action == "register":
        key = request.POST.get("resident", "")
        if not key.isdigit():
            raise Http404
        resident = get_object_or_404(Resident.objects.visible_to(request.user), pk=key)
        try:
            volunteer = services.volunteer_register(actor=request.user, resident=resident)
        except PortalError as exc:
            if exc.status == 403:
                raise PermissionDenied from exc
            refusal, status = exc.detail, exc.status
        else:
            messages.success(request, _("已登记为时间储蓄志愿者。"))
            return redirect("community:volunteer_statement", pk=volunteer.pk)
    elif searching:
        if not form.is_valid():
            status = 400
        else:
            person = selectors.resident_by_number(form.cleaned_data["id_number"], user=request.user)
            if person is None:
                status = form_refusal(
                    form,
                    PortalError(ErrorCode.RESIDENT_NOT_FOUND, field="resident", status=404),
                    fields=_BY_NUMBER,
                )
            else:
                audit_read(request, obj=person, reason="volunteer registration")
                form = IdSearchForm()  # the number is not written back into the page
    return render(
        request,
        "community/volunteer_register.html",
        {
            "form": form,
            "person": person,
            "refusal": refusal,
            "already": person is not None and Volunteer.objects.filter(resident=person).exists(),
        },
        status=status,
    )


@community_user
def service_list(request):
    """Volunteer services: record one (pending) and confirm those received in the user's town."""
    _time_bank_user(request)
    form = VolunteerServiceForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            recipient = selectors.resident_by_number(data["recipient"])
            try:
                if recipient is None:
                    raise PortalError(ErrorCode.RESIDENT_NOT_FOUND, field="recipient", status=404)
                services.service_record(
                    actor=request.user,
                    volunteer=data["volunteer"],
                    recipient=recipient,
                    day=data["day"],
                    hours=data["hours"],
                    content=data["content"],
                )
            except PortalError as exc:
                status = form_refusal(form, exc)
            else:
                messages.success(request, _("服务记录已保存，待服务对象所在社区确认。"))
                return redirect("community:service_list")
    page = sorted_page(request, selectors.volunteer_services(user=request.user))
    return render(request, "community/service_list.html", {"form": form, "rows": page}, status=status)


@require_POST
@community_user
def service_confirm(request, pk):
    """The recipient's community confirms a service: its hours are earned (once)."""
    _time_bank_user(request)
    service = get_object_or_404(selectors.volunteer_services(user=request.user), pk=pk)
    try:
        entry = services.service_confirm(actor=request.user, service=service)
    except PortalError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("已确认，%(name)s 存入 %(hours)s 小时。")
            % {"name": service.volunteer.resident.name, "hours": entry.hours},
        )
    return redirect("community:service_list")


@community_user
def volunteer_hours(request, pk):
    """Redeem a volunteer's hours for a service, or transfer them to a family member (a volunteer at
    the same registered address): the services refuse a balance below zero and a non-family transfer."""
    volunteer = get_object_or_404(
        Volunteer.objects.visible_to(request.user).select_related("resident"), pk=pk
    )
    if not access.can_manage_volunteers(request.user, volunteer):
        raise PermissionDenied
    action = request.POST.get("action") if request.method == "POST" else None
    redeem = RedeemForm(request.POST if action == "redeem" else None, prefix="redeem")
    transfer = TransferForm(request.POST if action == "transfer" else None, prefix="transfer")
    status = 200
    if action == "redeem":
        status = 400
        if redeem.is_valid():
            data = redeem.cleaned_data
            try:
                services.hours_redeem(
                    actor=request.user, volunteer=volunteer, hours=data["hours"], source=data["source"]
                )
            except PortalError as exc:
                status = form_refusal(redeem, exc)
            else:
                messages.success(request, _("已兑换 %(hours)s 小时。") % {"hours": data["hours"]})
                return redirect("community:volunteer_statement", pk=volunteer.pk)
    elif action == "transfer":
        status = 400
        if transfer.is_valid():
            data = transfer.cleaned_data
            person = selectors.resident_by_number(data["to"], user=request.user)
            to = (
                Volunteer.objects.select_related("resident").filter(resident=person).first()
                if person
                else None
            )
            try:
                if to is None:
                    code = ErrorCode.NOT_A_VOLUNTEER if person else ErrorCode.RESIDENT_NOT_FOUND
                    raise PortalError(code, field="to", status=404)
                services.hours_transfer(
                    actor=request.user, volunteer=volunteer, to=to, hours=data["hours"], source=data["source"]
                )
            except PortalError as exc:
                status = form_refusal(transfer, exc)
            else:
                messages.success(
                    request,
                    _("已转赠 %(hours)s 小时给 %(name)s。")
                    % {"hours": data["hours"], "name": to.resident.name},
                )
                return redirect("community:volunteer_statement", pk=volunteer.pk)
    elif request.method == "POST":
        status = 400  # neither form was posted
    return render(
        request,
        "community/volunteer_hours.html",
        {"volunteer": volunteer, "redeem": redeem, "transfer": transfer},
        status=status,
    )


@community_user
def volunteer_statement(request, pk):
    """A volunteer's printable statement: every entry with its source and the balance after it."""
    volunteer = get_object_or_404(
        Volunteer.objects.visible_to(request.user).select_related("resident", "town", "community"), pk=pk
    )
    audit_read(request, obj=volunteer, reason="time bank statement")
    return render(
        request,
        "community/volunteer_statement.html",
        {
            "volunteer": volunteer,
            "entries": selectors.volunteer_statement(volunteer=volunteer),
            "today": timezone.localdate(),
        },
    )


@community_user
def policy_list(request):
    """The cost-sharing policies (each category's split of a meal, from a date); the district adds one."""
    may_manage = access.can_manage_policy(request.user)
    form = PolicyForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.policy_create(
                    actor=request.user,
                    name=data["name"],
                    effective_from=data["effective_from"],
                    max_meals_per_day=data["max_meals_per_day"],
                    shares=form.shares(),
                    note=data["note"],
                )
            except PortalError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("政策已保存。"))
                return redirect("community:policy_list")
    policies = MealPolicy.objects.prefetch_related("shares").order_by("-effective_from")
    labels = dict(PersonCategory.choices)
    status = 400 if form.errors else 200
    return render(
        request,
        "community/policy_list.html",
        {"policies": policies, "labels": labels, "form": form, "may_manage": may_manage},
        status=status,
    )


@community_user
def donation_list(request):
    """Donations recorded as income, with the donor and the use (社会捐一点): district roles."""
    if not access.can_manage_policy(request.user):
        raise PermissionDenied
    form = DonationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        canteen = data["canteen"]
        try:
            services.donation_record(
                actor=request.user,
                received_on=data["received_on"],
                donor=data["donor"],
                amount=data["amount"],
                use=data["use"],
                canteen=canteen,
                town_id=canteen.town_id if canteen else None,
            )
        except PortalError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("捐赠已登记。"))
            return redirect("community:donation_list")
    donations = Donation.objects.select_related("canteen", "town").order_by("-received_on", "-id")
    status = 400 if form.errors else 200
    return render(
        request,
        "community/donation_list.html",
        {
            "donations": sorted_page(request, donations, columns=DONATION_COLUMNS),
            "total": donations.aggregate(t=Sum("amount"))["t"] or 0,
            "form": form,
        },
        status=status,
    )
