"""The allowance's write services: who may call them, the codes they refuse with, the audit rows."""

import pytest

from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import CommonCode, PortalError
from subsidies import services
from subsidies.error_codes import ErrorCode
from subsidies.models import AllowanceConfig, AllowanceGrant, PayrollPeriod

from .conftest import D, close, match, person

pytestmark = pytest.mark.django_db


def test_the_arrears_cap_is_saved_by_its_service_with_an_audit_row(district_admin, admin_client_):
    AllowanceConfig.current()
    response = admin_client_.post("/manage/subsidies/policies/", {"cfg-arrears_cap_months": "6"})
    assert response.status_code == 302 and AllowanceConfig.current().arrears_cap_months == 6
    event = AuditEvent.objects.get(object_type="subsidies.allowanceconfig")
    assert (event.actor, event.changes) == (district_admin, {"arrears_cap_months": [12, 6]})


def test_only_district_administrators_set_the_arrears_cap(district_staff):
    with pytest.raises(PortalError) as refused:
        services.arrears_cap_set(actor=district_staff, months=3)
    assert (refused.value.code, refused.value.status) == (CommonCode.NOT_ALLOWED, 403)
    assert AllowanceConfig.current().arrears_cap_months == 12
    assert not AuditEvent.objects.exists()


def test_match_later_requires_the_right_and_queues_after_commit(
    district_admin, district_staff, django_capture_on_commit_callbacks
):
    with pytest.raises(PortalError):
        services.allowance_match_later(actor=district_staff, as_of=D(2027, 1, 1))
    with django_capture_on_commit_callbacks() as callbacks:
        services.allowance_match_later(actor=district_admin, as_of=D(2027, 1, 1))
    assert len(callbacks) == 1


def test_the_system_actor_runs_the_match_and_its_audit_row_names_no_one():
    person(D(1940, 1, 1))
    outcome = services.allowance_match(actor=SYSTEM, as_of=D(2027, 1, 1), trigger="test")
    assert outcome.run.triggered_by is None
    event = AuditEvent.objects.get(action="run")
    assert event.actor is None and AllowanceGrant.objects.count() == 1


def test_refusals_carry_their_codes(district_admin):
    with pytest.raises(PortalError) as refused:
        services.parse_period("2027/13")
    assert refused.value.code == ErrorCode.PERIOD_FORMAT
    with pytest.raises(PortalError) as refused:
        services.payroll_close(actor=district_admin, month=D(2027, 1, 1))
    assert (refused.value.code, refused.value.detail) == (
        ErrorCode.NO_PERIOD,
        "2027-01 的发放名册不存在，请先运行匹配",
    )
    match(D(2027, 1, 1))
    close(D(2027, 1, 1))
    with pytest.raises(PortalError) as refused:
        services.payroll_close(actor=district_admin, month=D(2027, 1, 1))
    assert refused.value.code == ErrorCode.CLOSED and PayrollPeriod.objects.get().status == "closed"
    p = person(D(1930, 1, 1))
    decision = {"resident": p, "tier_code": "", "tier_label": "", "monthly_amount": None,
                "start_month": None, "end_month": None}  # fmt: skip
    with pytest.raises(PortalError) as refused:
        services.grant_decide_manually(actor=district_admin, status="active", note="核查", **decision)
    assert (refused.value.code, refused.value.field) == (ErrorCode.AMOUNT_REQUIRED, "monthly_amount")
    with pytest.raises(PortalError) as refused:
        services.grant_decide_manually(actor=district_admin, status="suspended", note=" ", **decision)
    assert refused.value.code == ErrorCode.NOTE_REQUIRED


def test_exports_are_refused_to_officers(officer_a, tmp_path):
    with pytest.raises(PortalError) as refused:
        services.overpayments_export(actor=officer_a, output=tmp_path / "x.csv")
    assert (refused.value.code, refused.value.status) == (ErrorCode.EXPORT_NOT_ALLOWED, 403)
    assert not (tmp_path / "x.csv").exists()
