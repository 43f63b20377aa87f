"""Staff pages: scope, enrolment through the form, audit, query counts."""

import pytest
from django.utils import timezone

from childcare.models import Enrolment
from childcare.services import class_create, enrolment_create
from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.months import add_months

from .factories import ChildFactory, FacilityFactory

TODAY = timezone.localdate()
TODDLER = add_months(TODAY, -15)


@pytest.mark.parametrize(
    "url",
    [
        "/manage/childcare/",
        "/manage/childcare/classes/",
        "/manage/childcare/children/",
        "/manage/childcare/children/new/",
        "/manage/childcare/overdue/",
        "/manage/childcare/vouchers/",
        "/manage/childcare/checkups/",
    ],
)
def test_pages_render_for_staff_and_refuse_auditors(
    url, operator_client, staff_client, auditor_client, anon_client, nursery
):
    assert operator_client.get(url).status_code == 200
    assert staff_client.get(url).status_code == 200
    assert auditor_client.get(url).status_code == 403
    assert anon_client.get(url).status_code == 302


def test_enrol_through_the_page(operator_client, small_class):
    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    r = operator_client.post(
        f"/manage/childcare/classes/{small_class.pk}/",
        {"action": "enrol", "child": kid.pk, "start_date": TODAY.isoformat()},
    )
    assert r.status_code == 302
    assert Enrolment.objects.filter(child=kid, klass=small_class, status="active").count() == 1
    page = operator_client.get(f"/manage/childcare/classes/{small_class.pk}/").content.decode()
    assert 'data-testid="occupied">1<' in page
    assert 'data-testid="vacant">2<' in page


def test_class_page_out_of_scope_is_404(officer_b_client, operator_client, small_class):
    assert officer_b_client.get(f"/manage/childcare/classes/{small_class.pk}/").status_code == 404
    other = FacilityFactory(name="别家")
    klass = class_create(
        actor=SYSTEM, facility=other, name="托大", class_type="toddler_large", capacity=7, caregivers=1
    )
    assert operator_client.get(f"/manage/childcare/classes/{klass.pk}/").status_code == 404


def test_withdraw_through_the_page(operator_client, operator, small_class):
    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    enrolment = enrolment_create(actor=operator, child=kid, klass=small_class)
    r = operator_client.post(f"/manage/childcare/enrolments/{enrolment.pk}/withdraw/")
    assert r.status_code == 302
    small_class.refresh_from_db()
    assert small_class.occupied == 0


def test_child_page_shows_screening_to_facility_only_and_audits(
    operator_client, officer_a_client, operator, small_class
):
    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    enrolment_create(actor=operator, child=kid, klass=small_class)
    page = operator_client.get(f"/manage/childcare/children/{kid.pk}/").content.decode()
    assert 'id="growth-chart"' in page
    views = AuditEvent.objects.filter(object_id=str(kid.pk), action="view")
    assert sorted(views.values_list("object_type", "actor_username")) == [
        ("childcare.checkup", "operator_a"),
        ("childcare.child", "operator_a"),
    ]
    page = officer_a_client.get(f"/manage/childcare/children/{kid.pk}/").content.decode()
    assert 'id="growth-chart"' not in page


@pytest.mark.parametrize("n", [1, 15])
def test_class_list_page_query_count(staff_client, nursery, n, django_assert_num_queries):
    for i in range(n):
        class_create(
            actor=SYSTEM,
            facility=nursery,
            name=f"班{i}",
            class_type="toddler_large",
            capacity=7,
            caregivers=1,
        )
    with django_assert_num_queries(6):
        r = staff_client.get("/manage/childcare/classes/")
    assert r.content.decode().count("cc-card-title") == n


@pytest.mark.parametrize("n", [1, 15])
def test_child_list_page_query_count(staff_client, small_class, operator, n, django_assert_num_queries):
    for _ in range(n):
        enrolment_create(
            actor=operator, child=ChildFactory(birth_date=TODDLER), klass=small_class
        ) if False else None
        ChildFactory(birth_date=TODDLER)
    with django_assert_num_queries(6):
        r = staff_client.get("/manage/childcare/children/")
    assert r.content.decode().count("cc-card-title") == n


def test_update_class_through_the_page(operator_client, small_class):
    r = operator_client.post(
        f"/manage/childcare/classes/{small_class.pk}/", {"action": "update", "capacity": 11, "caregivers": 2}
    )
    assert r.status_code == 200
    assert "保育人员不足：按国家标准该班至少需要 3 名保育人员。" in r.content.decode()
    small_class.refresh_from_db()
    assert (small_class.capacity, small_class.caregivers) == (3, 1)
    operator_client.post(
        f"/manage/childcare/classes/{small_class.pk}/", {"action": "update", "capacity": 10, "caregivers": 2}
    )
    small_class.refresh_from_db()
    assert (small_class.capacity, small_class.caregivers) == (10, 2)


def test_clinic_records_through_the_child_page(small_class, operator):
    from childcare.models import Checkup, ChildcareProfile
    from conftest import _client_for, make_user

    kid = ChildFactory(birth_date=add_months(TODAY, -13), gender="F", facility=small_class.facility)
    enrolment_create(actor=operator, child=kid, klass=small_class)
    clinic = FacilityFactory(kind="medical_partner", name="合阳社区卫生服务中心")
    ChildcareProfile.objects.update_or_create(
        facility=small_class.facility, defaults={"partner_clinic": clinic}
    )
    nurse = make_user("nurse", "facility_operator")
    clinic.operators.add(nurse)
    client = _client_for(nurse)
    # The clinic has no access to the child record, only to the check-ups (its worklist).
    assert client.get(f"/manage/childcare/children/{kid.pk}/").status_code == 404
    page = client.get("/manage/childcare/checkups/").content.decode()
    assert "记录结果" in page and kid.name in page
    checkup = Checkup.objects.filter(child=kid).order_by("age_months").first()
    r = client.post(
        f"/manage/childcare/checkups/{checkup.pk}/record/",
        {
            "clinic": clinic.pk,
            "performed_on": TODAY.isoformat(),
            "hearing": "pass",
            "vision": "refer",
            "vision_checks_done": ["eye_exam", "red_reflex"],
            "weight_kg": "9.1",
            "length_cm": "74.0",
            "head_cm": "45.0",
            "notes": "复查",
            "next": "worklist",
        },
    )
    assert (r.status_code, r.url) == (302, "/manage/childcare/checkups/")
    checkup.refresh_from_db()
    assert (checkup.status, checkup.vision, checkup.vision_checks_done) == (
        "done",
        "refer",
        ["eye_exam", "red_reflex"],
    )
    assert checkup.z_wfa is not None
    assert checkup.follow_ups.get().reason == "vision_refer"


def test_paging_keeps_the_filter(staff_client):
    ChildFactory.create_batch(51, name="王小")
    page = staff_client.get("/manage/childcare/children/?name=王").content.decode()
    assert 'href="?name=%E7%8E%8B&amp;page=2"' in page


def test_enrolling_into_a_class_that_just_filled_shows_why(operator_client, small_class):
    kids = [ChildFactory(birth_date=TODDLER, facility=small_class.facility) for _ in range(4)]
    for kid in kids[:3]:
        enrolment_create(actor=SYSTEM, child=kid, klass=small_class)
    r = operator_client.post(
        f"/manage/childcare/classes/{small_class.pk}/",
        {"action": "enrol", "child": kids[3].pk, "start_date": TODAY.isoformat()},
    )
    assert r.status_code == 200
    assert "该班级已满，可登记候补。" in r.content.decode()
    assert Enrolment.objects.filter(child=kids[3]).count() == 0
