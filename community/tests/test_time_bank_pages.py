"""The time-bank and care-plan staff pages: register a volunteer by ID number (posted, within scope),
record and confirm services, redeem and transfer hours (refused below zero or outside the family),
the statements, and the monthly bathing/cleaning plan with its share delivered."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import TOWN_A, TOWN_B
from facilities.models import FacilityKind
from facilities.tests.factories import FacilityFactory
from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM

from .. import services
from ..models import CarePlan, LedgerEntry, Volunteer, VolunteerService
from . import factories as f
from .conftest import PNG

pytestmark = pytest.mark.django_db

REGISTER = "/manage/community/time-bank/register/"
SERVICES = "/manage/community/time-bank/services/"
ADDRESS = "合川区合阳城街道某路1号"


def _volunteer(hours="0", town=TOWN_A, address=ADDRESS):
    resident, _ = f.person(dt.date(1962, 3, 3), address=address, hukou_code=town)
    volunteer = services.volunteer_register(actor=SYSTEM, resident=resident)
    if Decimal(hours):
        service = services.service_record(
            actor=SYSTEM,
            volunteer=volunteer,
            recipient=f.person(dt.date(1936, 1, 1), hukou_code=town)[0],
            day=dt.date(2026, 12, 1),
            hours=Decimal(hours),
            content="陪护",
        )
        services.service_confirm(actor=SYSTEM, service=service)
    volunteer.refresh_from_db()
    return volunteer


def test_time_bank_pages_are_for_town_and_district_not_operators(
    officer_a_client, staff_client, operator_client, auditor_client
):
    volunteer = _volunteer("1")
    hours = f"/manage/community/time-bank/{volunteer.pk}/hours/"
    for url in (REGISTER, SERVICES, "/manage/community/time-bank/", hours):
        assert officer_a_client.get(url).status_code == 200, url
        assert staff_client.get(url).status_code == 200, url
        # A volunteer is a row operators never see: not found before anything else is asked.
        assert operator_client.get(url).status_code == (404 if url == hours else 403), url
        assert auditor_client.get(url).status_code == 403, url
    menu = officer_a_client.get(SERVICES).content.decode()
    assert REGISTER in menu and SERVICES in menu and "/manage/community/care/plans/new/" in menu


def test_register_a_volunteer_found_by_id_number(officer_a_client, officer_a):
    person, number = f.person(dt.date(1962, 3, 3))
    page = officer_a_client.post(REGISTER, {"action": "find", "id_number": number})
    html = page.content.decode()
    assert page.status_code == 200 and person.name in html and person.id_masked in html
    assert number not in html  # the plain number is never echoed back
    assert AuditEvent.objects.filter(actor=officer_a, action="view", object_id=str(person.pk)).exists()
    response = officer_a_client.post(REGISTER, {"action": "register", "resident": person.pk})
    volunteer = Volunteer.objects.get()
    assert (volunteer.resident_id, volunteer.town_id) == (person.pk, TOWN_A)
    assert (
        response.status_code == 302 and response["Location"] == f"/manage/community/time-bank/{volunteer.pk}/"
    )
    again = officer_a_client.post(REGISTER, {"action": "register", "resident": person.pk})
    assert again.status_code == 409 and "该人员已登记为志愿者" in again.content.decode()
    assert Volunteer.objects.count() == 1


def test_register_refuses_a_person_outside_the_scope_and_a_bad_number(officer_b_client):
    person, number = f.person(dt.date(1962, 3, 3))  # registered in town A
    page = officer_b_client.post(REGISTER, {"action": "find", "id_number": number})
    html = page.content.decode()
    assert page.status_code == 404 and "户籍库中没有该身份证号" in html and person.name not in html
    assert officer_b_client.post(REGISTER, {"action": "register", "resident": person.pk}).status_code == 404
    assert officer_b_client.post(REGISTER, {"action": "register", "resident": "x"}).status_code == 404
    short = officer_b_client.post(REGISTER, {"action": "find", "id_number": "123"})
    assert short.status_code == 400 and 'class="errorlist"' in short.content.decode()
    assert not Volunteer.objects.exists()


def test_record_a_service_and_confirm_it_by_the_recipients_town(officer_a_client, officer_b_client):
    volunteer = _volunteer()
    recipient, number = f.person(dt.date(1935, 5, 5), hukou_code=TOWN_B)
    data = {
        "volunteer": volunteer.pk,
        "recipient": number,
        "day": "2026-12-02",
        "hours": "2.5",
        "content": "助洁",
    }
    response = officer_a_client.post(SERVICES, data)
    assert response.status_code == 302
    service = VolunteerService.objects.get()
    assert (service.recipient_id, service.town_id, service.status) == (recipient.pk, TOWN_B, "pending")
    # The volunteer's town sees it but cannot confirm: the recipient's town does.
    assert f"/time-bank/services/{service.pk}/confirm/" not in officer_a_client.get(SERVICES).content.decode()
    assert officer_a_client.post(f"{SERVICES}{service.pk}/confirm/").status_code == 403
    assert not LedgerEntry.objects.exists()
    assert f"/time-bank/services/{service.pk}/confirm/" in officer_b_client.get(SERVICES).content.decode()
    assert officer_b_client.post(f"{SERVICES}{service.pk}/confirm/").status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.balance == Decimal("2.5")
    assert LedgerEntry.objects.get().service_id == service.pk
    page = officer_b_client.post(f"{SERVICES}{service.pk}/confirm/", follow=True)
    assert "该服务记录已确认" in page.content.decode() and LedgerEntry.objects.count() == 1


def test_service_form_refuses_an_unknown_recipient_and_too_many_hours(officer_a_client, officer_b_client):
    volunteer = _volunteer()
    data = {
        "volunteer": volunteer.pk,
        "recipient": "500117193001010011",
        "day": "2026-12-02",
        "hours": "2",
        "content": "x",
    }
    page = officer_a_client.post(SERVICES, data)
    assert page.status_code == 404 and "户籍库中没有该身份证号" in page.content.decode()
    _, number = f.person(dt.date(1935, 5, 5))
    page = officer_a_client.post(SERVICES, {**data, "recipient": number, "hours": "25"})
    assert page.status_code == 400 and 'class="errorlist"' in page.content.decode()
    # Another town's volunteer is not a choice.
    assert officer_b_client.post(SERVICES, {**data, "recipient": number}).status_code == 400
    assert not VolunteerService.objects.exists()


def test_redeem_is_refused_below_zero(officer_a_client):
    volunteer = _volunteer("2")
    url = f"/manage/community/time-bank/{volunteer.pk}/hours/"
    page = officer_a_client.post(url, {"action": "redeem", "redeem-hours": "3", "redeem-source": "助浴一次"})
    assert page.status_code == 409 and "时间余额不足（现有 2.0 小时）" in page.content.decode()
    assert LedgerEntry.objects.count() == 1
    zero = officer_a_client.post(url, {"action": "redeem", "redeem-hours": "0", "redeem-source": "x"})
    assert zero.status_code == 400 and "小时数必须大于 0" in zero.content.decode()
    response = officer_a_client.post(
        url, {"action": "redeem", "redeem-hours": "2", "redeem-source": "助浴一次"}
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.balance == Decimal("0.0")
    assert LedgerEntry.objects.latest("id").source == "助浴一次"


def test_transfer_to_a_family_member_only(officer_a_client, officer_b_client):
    giver = _volunteer("3")
    family = _volunteer()
    stranger = _volunteer(address="合川区另一处2号")
    url = f"/manage/community/time-bank/{giver.pk}/hours/"

    def post(resident, hours="1"):
        return officer_a_client.post(
            url,
            {
                "action": "transfer",
                "transfer-to": _number(resident),
                "transfer-hours": hours,
                "transfer-source": "给家人",
            },
        )

    page = post(stranger.resident)
    assert page.status_code == 400 and "只能转赠给同一户籍地址的家庭成员" in page.content.decode()
    page = post(family.resident, hours="5")
    assert page.status_code == 409 and "时间余额不足" in page.content.decode()
    outsider, number = f.person(dt.date(1970, 1, 1), address=ADDRESS)
    page = officer_a_client.post(
        url, {"action": "transfer", "transfer-to": number, "transfer-hours": "1", "transfer-source": "x"}
    )
    assert page.status_code == 404 and "该人员尚未登记为时间储蓄志愿者" in page.content.decode()
    assert LedgerEntry.objects.count() == 1
    assert post(family.resident, hours="1.5").status_code == 302
    giver.refresh_from_db()
    family.refresh_from_db()
    assert (giver.balance, family.balance) == (Decimal("1.5"), Decimal("1.5"))
    assert officer_b_client.get(url).status_code == 404


_NUMBERS: dict[int, str] = {}


def _number(resident):
    return _NUMBERS[resident.pk]


@pytest.fixture(autouse=True)
def _remember_numbers(monkeypatch):
    """Keep the ID number each made person was created with (the register stores only its index)."""
    made = f.person

    def person(*args, **kwargs):
        resident, number = made(*args, **kwargs)
        _NUMBERS[resident.pk] = number
        return resident, number

    monkeypatch.setattr(f, "person", person)


def test_statements_volunteer_and_community(officer_a_client, staff_client):
    volunteer = _volunteer("2")
    services.hours_redeem(actor=SYSTEM, volunteer=volunteer, hours=Decimal("0.5"), source="兑换助浴")
    _volunteer("1", town=TOWN_B)
    html = officer_a_client.get(f"/manage/community/time-bank/{volunteer.pk}/").content.decode()
    today = timezone.localdate()
    assert f"截至 {today.year}年{today.month}月{today.day}日，余额 1.5 小时" in html and "兑换助浴" in html
    assert "data-print" in html and f"/time-bank/{volunteer.pk}/hours/" in html
    town_a = officer_a_client.get("/manage/community/time-bank/").content.decode()
    assert volunteer.resident.name in town_a and "合计（1 名志愿者）" in town_a
    everyone = staff_client.get("/manage/community/time-bank/").content.decode()
    assert "合计（2 名志愿者）" in everyone
    one_town = staff_client.get(f"/manage/community/time-bank/?town={TOWN_B}").content.decode()
    assert "合计（1 名志愿者）" in one_town and volunteer.resident.name not in one_town
    english = staff_client.get("/manage/community/time-bank/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200


def test_monthly_plan_page_share_delivered_and_callback(officer_a_client, officer_b_client, officer_a):
    elder, number = f.person(dt.date(1938, 1, 1), tekun=True)
    month = timezone.localdate().replace(day=1)
    data = {"id_number": number, "month": f"{month:%Y-%m}", "service": "bathing", "visits": 4}
    assert officer_b_client.post("/manage/community/care/plans/new/", data).status_code == 404
    response = officer_a_client.post("/manage/community/care/plans/new/", data)
    assert response.status_code == 302 and response["Location"].endswith(f"?month={month:%Y-%m}")
    assert CarePlan.objects.get().visits == 4
    _, plain = f.person(dt.date(1938, 1, 1))  # not in special difficulty
    page = officer_a_client.post("/manage/community/care/plans/new/", {**data, "id_number": plain})
    assert page.status_code == 400 and "该老人不属于特殊困难老年人" in page.content.decode()
    assert CarePlan.objects.count() == 1
    html = officer_a_client.get(response["Location"]).content.decode()
    assert '<td class="num">0%</td>' in html and elder.name in html
    point = FacilityFactory(kind=FacilityKind.BATHING_POINT, town_id=TOWN_A)
    record = services.care_record_create(
        actor=officer_a,
        resident=elder,
        kind="bath_home",
        provider=point,
        photo=SimpleUploadedFile("p.png", PNG, content_type="image/png"),
    )
    html = officer_a_client.get(response["Location"]).content.decode()
    assert '<td class="num">25%</td>' in html  # 1 of 4 visits
    photo = f"/manage/community/care/photos/{record.photos.get().pk}/"
    assert photo in html
    shown = officer_a_client.get(photo)
    assert (shown.status_code, shown["Content-Type"]) == (200, "image/png")
    assert "no-store" in shown["Cache-Control"]
    assert b"".join(shown.streaming_content) == PNG
    assert officer_b_client.get(photo).status_code == 404
    # The community's callback with its note; another town's officer does not find the record.
    callback = {"satisfaction": 4, "note": "老人很满意"}
    assert officer_b_client.post(f"/manage/community/care/{record.pk}/callback/", callback).status_code == 404
    assert officer_a_client.post(f"/manage/community/care/{record.pk}/callback/", callback).status_code == 302
    record.refresh_from_db()
    assert (record.satisfaction, record.callback_note) == (4, "老人很满意")
    assert "老人很满意" in officer_a_client.get(response["Location"]).content.decode()
