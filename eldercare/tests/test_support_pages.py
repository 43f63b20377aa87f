"""Staff pages of family care beds, home adaptation and placements, each flow end to end through the
pages (the services decide; a refusal comes back on the form), scoped to the user's town."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from .. import services
from ..models import (
    AdaptationCase,
    AdaptationStatus,
    CareBed,
    CareBedClaim,
    CareBedStatus,
    ClaimStatus,
    GuaranteedBeds,
    Placement,
)
from .factories import TOWN_B, elder, photo

pytestmark = pytest.mark.django_db
BASE = "/manage/eldercare"


def test_a_care_bed_from_application_to_a_paid_claim_through_the_pages(
    officer_a_client, operator_client, staff_client, admin_client_, officer_b_client, provider, grade_of
):
    refused, refused_number = elder(dt.date(1939, 2, 2))
    grade_of(refused, 80)  # grade 0: not eligible
    response = officer_a_client.post(
        f"{BASE}/beds/new/", {"id_number": refused_number, "applied_on": "2026-10-08"}
    )
    bed = CareBed.objects.get(resident=refused)
    assert response.status_code == 302 and bed.status == CareBedStatus.REFUSED
    html = officer_a_client.get(f"{BASE}/beds/{bed.pk}/").content.decode()
    assert "不予受理" in html and "未达到 2 级" in html and "与服务机构签约" not in html

    resident, number = elder(dt.date(1938, 3, 3))
    grade_of(resident, 40)  # grade 3
    officer_a_client.post(f"{BASE}/beds/new/", {"id_number": number, "applied_on": "2026-10-08"})
    bed = CareBed.objects.get(resident=resident)
    url = f"{BASE}/beds/{bed.pk}/"
    assert officer_b_client.get(url).status_code == 404  # another town's bed is simply not found
    assert (
        officer_a_client.post(url, {"step": "agree", "provider": provider.pk, "on": "2026-10-09"}).status_code
        == 302
    )
    # The set-up without a photo comes back on the form; with photos and the location, the bed is set up.
    missing = officer_a_client.post(url, {"step": "set_up", "on": "2026-10-10"})
    assert missing.status_code == 400 and "请上传现场照片" in missing.content.decode()
    done = officer_a_client.post(
        url,
        {
            "step": "set_up",
            "on": "2026-10-10",
            "lng": "106.271",
            "lat": "29.991",
            "photos": [photo("p1"), photo("p2")],
        },
    )
    assert done.status_code == 302
    bed.refresh_from_db()
    assert bed.status == CareBedStatus.ACTIVE and bed.photos.count() == 2
    assert round(bed.setup_location.x, 3) == 106.271
    photo_url = f"{BASE}/beds/photos/{bed.photos.first().pk}/"
    served = officer_a_client.get(photo_url)
    assert served.status_code == 200 and "no-store" in served["Cache-Control"]
    assert officer_b_client.get(photo_url).status_code == 404
    # The provider records the month on its phone; the town officer may not.
    month = {
        "step": "month",
        "month": "2026-10",
        "visits": "5",
        "hours": "10.0",
        "services": ["nursing", "comfort"],
    }
    assert officer_a_client.post(url, month).status_code == 403
    assert operator_client.post(url, month).status_code == 302
    # District builds the claims, the town reviews, the district approves, the administrator pays.
    claims = f"{BASE}/bed-claims/"
    assert officer_a_client.post(claims, {"step": "build", "month": "2026-10"}).status_code == 403
    assert staff_client.post(claims, {"step": "build", "month": "2026-10"}).status_code == 302
    claim = CareBedClaim.objects.get()
    assert (claim.bed, claim.amount) == (bed, Decimal("300.00"))
    assert staff_client.post(f"{BASE}/bed-claims/{claim.pk}/", {"step": "approve"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED  # not reviewed yet: refused, told so
    assert officer_b_client.post(f"{BASE}/bed-claims/{claim.pk}/", {"step": "review"}).status_code == 404
    officer_a_client.post(f"{BASE}/bed-claims/{claim.pk}/", {"step": "review"})
    staff_client.post(f"{BASE}/bed-claims/{claim.pk}/", {"step": "approve"})
    assert staff_client.post(claims, {"step": "pay", "month": "2026-10"}).status_code == 403
    admin_client_.post(claims, {"step": "pay", "month": "2026-10", "paid_on": "2026-11-10"})
    claim.refresh_from_db()
    assert (claim.status, claim.paid_on) == (ClaimStatus.PAID, dt.date(2026, 11, 10))
    page = officer_a_client.get(f"{claims}?month=2026-10").content.decode()
    assert resident.name in page and "已发放" in page
    assert resident.name in operator_client.get(f"{BASE}/beds/").content.decode()


def test_a_bed_below_the_monthly_minimum_is_listed_and_not_claimed(
    officer_a, officer_a_client, operator, staff_client, provider, grade_of
):
    resident, _ = elder(dt.date(1937, 4, 4))
    grade_of(resident, 40)
    bed = services.care_bed_apply(actor=officer_a, resident=resident, applied_on=dt.date(2026, 10, 1))
    services.care_bed_agree(actor=officer_a, bed=bed, provider=provider, on=dt.date(2026, 10, 1))
    services.care_bed_set_up(actor=officer_a, bed=bed, on=dt.date(2026, 10, 2), photos=[photo()])
    services.care_bed_record_month(
        actor=operator, bed=bed, month=dt.date(2026, 10, 1), visits=1, hours=Decimal(2), services=[]
    )
    staff_client.post(f"{BASE}/bed-claims/", {"step": "build", "month": "2026-10"})
    assert not CareBedClaim.objects.exists()
    html = officer_a_client.get(f"{BASE}/bed-claims/?month=2026-10").content.decode()
    flagged = html[html.index('id="flagged"') :]
    assert resident.name in flagged


def test_home_adaptation_through_the_pages_with_the_cap_and_the_second_subsidy_refused(
    officer_a_client, officer_b_client, grade_of
):
    resident, number = elder(dt.date(1936, 5, 5), dibao=True)
    grade_of(resident, 70)
    officer_a_client.post(f"{BASE}/adaptations/new/", {"id_number": number, "applied_on": "2026-10-08"})
    case = AdaptationCase.objects.get()
    url = f"{BASE}/adaptations/{case.pk}/"
    assert case.status == AdaptationStatus.APPLIED
    assert officer_b_client.get(url).status_code == 404
    # Basic items 2×300 + 900 + 2×500 + 600 + 250 = 3,350, optional alarm 800.
    needs = {"step": "needs", "qty_JC-01": "2", "qty_JC-03": "1", "qty_JC-04": "2", "qty_JC-05": "1"}
    needs.update({"qty_JC-06": "1", "qty_KX-01": "1"})
    assert officer_a_client.post(url, needs).status_code == 302
    assert officer_a_client.post(url, {"step": "quote", "price_JC-01": "300", "price_JC-03": "950", "price_JC-04": "500",
                                       "price_JC-05": "600", "price_JC-06": "250", "price_KX-01": "800"}).status_code == 302  # fmt: skip
    assert officer_a_client.post(url, {"step": "works", "on": "2026-10-20"}).status_code == 302
    no_after = officer_a_client.post(
        url, {"step": "accept", "on": "2026-11-05", "before_photos": [photo("b")]}
    )
    assert no_after.status_code == 400 and "改造前和改造后" in no_after.content.decode()
    accepted = officer_a_client.post(
        url,
        {"step": "accept", "on": "2026-11-05", "before_photos": [photo("b")], "after_photos": [photo("a")]},
    )
    assert accepted.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.subsidy, case.self_paid) == (
        AdaptationStatus.ACCEPTED,
        Decimal("3000.00"),
        Decimal("1200.00"),
    )
    html = officer_a_client.get(url).content.decode()
    assert "¥3,000.00" in html and "改造前" in html and "改造后" in html
    again = officer_a_client.post(
        f"{BASE}/adaptations/new/", {"id_number": number, "applied_on": "2026-12-01"}
    )
    assert again.status_code == 400 and "已享受过适老化改造补贴" in again.content.decode()
    assert AdaptationCase.objects.count() == 1


def test_placements_page_claims_and_frees_a_guaranteed_bed(officer_a_client, officer_b_client, nursing_home):
    first, first_number = elder(dt.date(1935, 6, 6), tekun=True)
    _, second_number = elder(dt.date(1935, 7, 7), tekun=True)
    data = {"facility": nursing_home.pk, "start_on": "2026-10-08", "guaranteed": "on"}
    assert (
        officer_a_client.post(f"{BASE}/placements/new/", {**data, "id_number": first_number}).status_code
        == 302
    )
    full = officer_a_client.post(f"{BASE}/placements/new/", {**data, "id_number": second_number})
    assert full.status_code == 400 and "兜底床位已满" in full.content.decode()
    html = officer_a_client.get(f"{BASE}/placements/").content.decode()
    assert first.name in html and "合川区社会福利院" in html
    placement = Placement.objects.get()
    assert (
        officer_b_client.post(f"{BASE}/placements/{placement.pk}/end/", {"on": "2026-11-01"}).status_code
        == 404
    )
    assert (
        officer_a_client.post(f"{BASE}/placements/{placement.pk}/end/", {"on": "2026-11-01"}).status_code
        == 302
    )
    placement.refresh_from_db()
    assert placement.end_on == dt.date(2026, 11, 1) and GuaranteedBeds.objects.get().used == 0


def test_a_person_of_another_town_is_not_found_on_the_application_form(officer_a_client):
    _, number = elder(town=TOWN_B)
    response = officer_a_client.post(f"{BASE}/beds/new/", {"id_number": number, "applied_on": "2026-10-08"})
    assert response.status_code == 400 and "未找到该身份证号" in response.content.decode()
    assert not CareBed.objects.exists()


@pytest.mark.parametrize(
    ("path", "title", "other_title", "model", "detail"),
    [
        ("beds", "家庭养老床位申请", "适老化改造申请", CareBed, "beds"),
        ("adaptations", "适老化改造申请", "家庭养老床位申请", AdaptationCase, "adaptations"),
    ],
)
def test_each_application_form_keeps_its_page_and_records_its_own_kind(
    officer_a_client, grade_of, path, title, other_title, model, detail
):
    """Beds and adaptations share one application view: each URL keeps its own title, records its own
    kind of row and goes on to that row's page; a bad ID number is refused on the form."""
    page = officer_a_client.get(f"{BASE}/{path}/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert title in html and other_title not in html
    bad = officer_a_client.post(f"{BASE}/{path}/new/", {"id_number": "500117", "applied_on": "2026-10-08"})
    assert bad.status_code == 400 and not model.objects.exists()
    resident, number = elder(dt.date(1936, 5, 5), dibao=True)
    grade_of(resident, 70)
    done = officer_a_client.post(f"{BASE}/{path}/new/", {"id_number": number, "applied_on": "2026-10-08"})
    row = model.objects.get()
    assert done.status_code == 302 and done["Location"] == f"{BASE}/{detail}/{row.pk}/"
    assert not (AdaptationCase if model is CareBed else CareBed).objects.exists()
