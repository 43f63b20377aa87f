"""Staff pages of the childcare app (thin: forms in, services do the work)."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hechuan_portal.accounts.audit import audit_read
from hechuan_portal.common.errors import PortalError, form_error
from hechuan_portal.common.listing import sorted_page
from hechuan_portal.common.months import age_in_months

from . import access, selectors, services
from . import standards as std
from .filters import ChildFilter, ClassFilter
from .forms import (
    CheckupForm,
    ChildForm,
    ClassForm,
    ClassUpdateForm,
    EnrolForm,
    RedeemForm,
    VoucherIssueForm,
    WaitlistForm,
)
from .models import (
    Checkup,
    Child,
    ChildcareClass,
    ClassType,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    WaitlistEntry,
)


def staff_page(view):
    """Logged in, and a role that works with scoped records (auditors read the audit log only)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.can_use(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@staff_page
def overview(request):
    if not access.can_view_places_overview(request.user):
        raise PermissionDenied
    rows, district = selectors.places_by_town(user=request.user)
    return render(request, "childcare/overview.html", {"rows": rows, "district": district})


CLASS_COLUMNS = {
    "facility": ("facility__name", "name"),
    "town": ("facility__town_id", "facility__name", "name"),
    "type": ("class_type", "name"),
    "capacity": "capacity",
}
CHILD_COLUMNS = {"name": "name", "birth": "birth_date", "town": ("town_id", "name")}
CHECKUP_COLUMNS = {"due": "due_date", "child": "child__name", "facility": ("facility__name", "due_date")}


@staff_page
def class_list(request):
    qs = selectors.class_list(user=request.user).order_by("facility__town_id", "facility__name", "name")
    filterset = ClassFilter(request.GET, queryset=qs)
    page = sorted_page(request, filterset.qs, columns=CLASS_COLUMNS)
    form = ClassForm(user=request.user)
    if request.method == "POST":
        form = ClassForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                klass = services.class_create(actor=request.user, **form.cleaned_data)
            except PortalError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("班级已创建。"))
                return redirect(klass)
    return render(request, "childcare/class_list.html", {"filter": filterset, "page": page, "form": form})


@staff_page
def class_detail(request, pk: int):
    klass = get_object_or_404(
        ChildcareClass.objects.visible_to(request.user).select_related("facility", "facility__town"), pk=pk
    )
    enrol_form = EnrolForm(user=request.user)
    waitlist_form = WaitlistForm(user=request.user)
    update_form = ClassUpdateForm(
        initial={
            "capacity": klass.capacity,
            "caregivers": klass.caregivers,
            "is_inclusive": klass.is_inclusive,
        }
    )
    if request.method == "POST":
        action = request.POST.get("action")
        form = None
        try:
            if action == "update":
                form = update_form = ClassUpdateForm(request.POST)
                if update_form.is_valid():
                    services.class_update(actor=request.user, klass=klass, **update_form.cleaned_data)
                    messages.success(request, _("班级已更新。"))
                    return redirect(klass)
            elif action == "enrol":
                form = enrol_form = EnrolForm(request.POST, user=request.user)
                if enrol_form.is_valid():
                    services.enrolment_create(actor=request.user, klass=klass, **enrol_form.cleaned_data)
                    messages.success(request, _("已办理入托。"))
                    return redirect(klass)
            elif action == "waitlist":
                form = waitlist_form = WaitlistForm(request.POST, user=request.user)
                if waitlist_form.is_valid():
                    services.waitlist_join(
                        actor=request.user,
                        klass=klass,
                        child=waitlist_form.cleaned_data["child"],
                        category_codes=[c.code for c in waitlist_form.cleaned_data["categories"]],
                    )
                    messages.success(request, _("已登记候补。"))
                    return redirect(klass)
        except PortalError as exc:
            form_error(form, exc)
    enrolments = (
        Enrolment.objects.filter(klass=klass, status=EnrolmentStatus.ACTIVE)
        .select_related("child")
        .order_by("id")
    )
    waitlist = (
        WaitlistEntry.objects.filter(klass=klass, status__in=["waiting", "offered"])
        .select_related("child")
        .prefetch_related("categories")
        .in_order()
    )
    audit_read(request, obj=klass, area_code=klass.facility.town_id)
    return render(
        request,
        "childcare/class_detail.html",
        {
            "klass": klass,
            "standard": std.CLASS_STANDARDS[klass.class_type],
            "enrolments": enrolments,
            "waitlist": waitlist,
            "enrol_form": enrol_form,
            "waitlist_form": waitlist_form,
            "update_form": update_form,
        },
    )


@staff_page
@require_POST
def enrolment_withdraw(request, pk: int):
    enrolment = get_object_or_404(Enrolment.objects.visible_to(request.user), pk=pk)
    try:
        services.enrolment_withdraw(actor=request.user, enrolment=enrolment)
        messages.success(request, _("已办理退托，空出的托位已按候补顺序通知下一位。"))
    except PortalError as exc:  # a page with no form: the refusal is a message
        messages.error(request, exc.detail)
    return redirect(enrolment.klass)


@staff_page
@require_POST
def waitlist_accept(request, pk: int):
    entry = get_object_or_404(WaitlistEntry.objects.visible_to(request.user), pk=pk)
    try:
        services.waitlist_accept(actor=request.user, entry=entry)
        messages.success(request, _("已确认递补入托。"))
    except PortalError as exc:  # a page with no form: the refusal is a message
        messages.error(request, exc.detail)
    return redirect(entry.klass)


@staff_page
def child_list(request):
    qs = selectors.child_list(user=request.user).prefetch_related(
        Prefetch(
            "enrolments",
            queryset=Enrolment.objects.filter(status="active").select_related("klass"),
            to_attr="active_enrolments",
        )
    )
    filterset = ChildFilter(request.GET, queryset=qs)
    page = sorted_page(request, filterset.qs, columns=CHILD_COLUMNS)
    audit_read(request, model=Child, rows=len(page.object_list))
    return render(request, "childcare/child_list.html", {"filter": filterset, "page": page})


@staff_page
def child_create(request):
    form = ChildForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        town, community = data.pop("town"), data.pop("community")
        try:
            child = services.child_create(
                actor=request.user,
                town_id=town.code,
                community_id=community.code if community else None,
                **data,
            )
        except PortalError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("幼儿信息已登记。"))
            return redirect(child)
    return render(request, "childcare/child_form.html", {"form": form})


def _may_see_screening(user, child: Child) -> bool:
    return Checkup.objects.visible_to(user).filter(child=child).exists()


@staff_page
def child_detail(request, pk: int):
    child = get_object_or_404(
        Child.objects.visible_to(request.user).select_related("town", "community", "facility"), pk=pk
    )
    audit_read(request, obj=child, area_code=child.town_id)
    today = timezone.localdate()
    context = {
        "child": child,
        "age_months": age_in_months(child.birth_date, today),
        "allowed_types": std.allowed_class_types(child.birth_date, today),
        "enrolments": child.enrolments.select_related("klass", "facility").order_by("-id"),
        "checkups": None,
    }
    if _may_see_screening(request.user, child):
        checkups = list(
            Checkup.objects.visible_to(request.user)
            .filter(child=child)
            .select_related("clinic")
            .order_by("age_months")
        )
        follow_ups = (
            child.follow_ups.filter(pk__in=[]) if not checkups else child.follow_ups.order_by("due_date")
        )
        # Screening data of a minor: its own audit row, apart from the record view.
        audit_read(request, obj=child, model=Checkup, rows=len(checkups), reason="child screening")
        points = [
            [round((c.performed_on - child.birth_date).days / 30.4375, 1), float(c.weight_kg)]
            for c in checkups
            if c.status == "done" and c.weight_kg is not None
        ]
        context.update(
            checkups=checkups,
            follow_ups=follow_ups,
            checkup_form=CheckupForm(user=request.user),
            chart={
                "curves": std.who_weight_curves(
                    child.gender, months=72 if points and points[-1][0] > 36 else 36
                ),
                "points": points,
            },
        )
    return render(request, "childcare/child_detail.html", context)


@staff_page
def checkup_list(request):
    """The clinic's worklist: check-ups due (or recently due) that this user may see, with a form
    each. Screening data: the page view is audited."""
    today = timezone.localdate()
    qs = (
        Checkup.objects.visible_to(request.user)
        .filter(status="due", due_date__lte=today + dt.timedelta(days=30))
        .select_related("child", "facility")
        .order_by("due_date", "id")
    )
    page = sorted_page(request, qs, columns=CHECKUP_COLUMNS)
    audit_read(request, model=Checkup, rows=len(page.object_list), reason="worklist")
    return render(
        request,
        "childcare/checkup_list.html",
        {"page": page, "form": CheckupForm(user=request.user), "today": today},
    )


@staff_page
@require_POST
def checkup_record(request, pk: int):
    checkup = get_object_or_404(Checkup.objects.visible_to(request.user).select_related("child"), pk=pk)
    form = CheckupForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.checkup_record(actor=request.user, checkup=checkup, **form.cleaned_data)
            messages.success(request, _("检查结果已记录。"))
        except PortalError as exc:  # the form lives on another page: the refusal is a message
            messages.error(request, exc.detail)
    else:
        messages.error(request, _("请检查填写的内容。"))
    if request.POST.get("next") == "worklist":
        return redirect("childcare:checkup_list")
    return redirect(checkup.child)


@staff_page
def overdue(request):
    """Overdue check-ups and follow-ups, with each child's name: both lists are audited reads."""
    today = timezone.localdate()
    checkups = list(selectors.overdue_checkups(user=request.user, today=today)[:200])
    follow_ups = list(selectors.overdue_follow_ups(user=request.user, today=today)[:200])
    audit_read(request, model=Checkup, rows=len(checkups), reason="overdue list")
    audit_read(request, model=FollowUp, rows=len(follow_ups), reason="overdue list")
    return render(
        request,
        "childcare/overdue.html",
        {
            "checkups": checkups,
            "follow_ups": follow_ups,
            "counts": selectors.overdue_counts(user=request.user, today=today),
            "grace_days": std.CHECKUP_GRACE_DAYS,
        },
    )


@staff_page
def to_move(request):
    """待转班: enrolled children who have outgrown their class type (operator: their facilities;
    town officer: their town; district: all)."""
    today = timezone.localdate()
    rows = list(selectors.children_to_move(user=request.user, today=today)[:500])
    for row in rows:
        row.fits = [ClassType(c).label for c in std.allowed_class_types(row.child.birth_date, today)]
    return render(request, "childcare/to_move.html", {"rows": rows, "today": today})


@staff_page
def vouchers(request):
    may_issue = access.can_issue_vouchers(request.user)
    issue_form = VoucherIssueForm(prefix="issue") if may_issue else None
    redeem_form = RedeemForm(prefix="redeem", user=request.user)
    if request.method == "POST":
        if request.POST.get("action") == "issue" and may_issue:
            issue_form = VoucherIssueForm(request.POST, prefix="issue")
            if issue_form.is_valid():
                d = issue_form.cleaned_data
                try:
                    batch = services.voucher_batch_issue(
                        actor=request.user,
                        name=d["name"],
                        value=d["value"],
                        issued_on=timezone.localdate(),
                        expires_on=d["expires_on"],
                        town_id=d["town"].code if d["town"] else None,
                        child_ids=d["child_ids"] or None,
                    )
                except PortalError as exc:
                    form_error(issue_form, exc)
                else:
                    messages.success(request, _("已发放 %(n)s 张体验券。") % {"n": batch.vouchers.count()})
                    return redirect("childcare:vouchers")
        elif request.POST.get("action") == "redeem":
            redeem_form = RedeemForm(request.POST, prefix="redeem", user=request.user)
            if redeem_form.is_valid():
                try:
                    services.voucher_redeem(actor=request.user, **redeem_form.cleaned_data)
                except PortalError as exc:
                    form_error(redeem_form, exc)
                else:
                    messages.success(request, _("体验券已核销。"))
                    return redirect("childcare:vouchers")
    report = selectors.voucher_report(user=request.user, today=timezone.localdate())
    return render(
        request,
        "childcare/vouchers.html",
        {"report": report, "issue_form": issue_form, "redeem_form": redeem_form},
    )
