"""The registry's services: the codes they refuse with and who may call them."""

import datetime as dt

import pytest

from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.common.errors import CommonCode, PortalError
from hechuan_portal.residents import services
from hechuan_portal.residents.error_codes import ErrorCode
from hechuan_portal.residents.models import ImportBatch

from .factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_a_reveal_needs_a_reason_and_a_person_in_scope(officer_a, officer_b):
    resident = ResidentFactory(hukou_code=officer_a.area_id, town_id=officer_a.area_id)
    with pytest.raises(PortalError) as refused:
        services.resident_reveal_id(actor=officer_a, resident=resident, reason="查")
    assert (refused.value.code, refused.value.field, refused.value.detail) == (
        ErrorCode.REASON_REQUIRED, "reason", "请填写查看事由（至少 4 个字）",
    )  # fmt: skip
    with pytest.raises(PortalError) as refused:
        services.resident_reveal_id(actor=officer_b, resident=resident, reason="核对津贴账户")
    assert (refused.value.code, refused.value.status) == (ErrorCode.REVEAL_NOT_ALLOWED, 403)
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_only_district_administrators_import(district_staff, tmp_path):
    with pytest.raises(PortalError) as refused:
        services.residents_import(
            actor=district_staff, path=tmp_path / "x.csv", extract_date=dt.date(2026, 11, 1)
        )
    assert (refused.value.code, refused.value.status) == (CommonCode.NOT_ALLOWED, 403)
    assert not ImportBatch.objects.exists()
