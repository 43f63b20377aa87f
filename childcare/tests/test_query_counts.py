"""Every list endpoint's query count does not grow with the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from childcare.models import Checkup
from childcare.services import checkup_record, class_create, enrolment_create, waitlist_join
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.months import add_months

from .factories import ChildFactory, FacilityFactory

TODAY = timezone.localdate()
TODDLER = add_months(TODAY, -13)


def populate(facility, n):
    """n enrolled children (with check-ups, one recorded with a follow-up each) and n waiting."""
    klass = class_create(
        actor=SYSTEM,
        facility=facility,
        name=f"满班{n}",
        class_type="toddler_small",
        capacity=n,
        caregivers=-(-n // 5),
    )
    clinic = FacilityFactory(kind="medical_partner", name=f"诊所{n}")
    for _ in range(n):
        kid = ChildFactory(birth_date=TODDLER, facility=facility)
        enrolment_create(actor=SYSTEM, child=kid, klass=klass)
        checkup = Checkup.objects.filter(child=kid).order_by("age_months").first()
        checkup_record(actor=SYSTEM, checkup=checkup, clinic=clinic, performed_on=TODAY, hearing="refer")
    for _ in range(n):
        waitlist_join(
            actor=SYSTEM,
            child=ChildFactory(birth_date=TODDLER, facility=facility),
            klass=klass,
            category_codes=["second_child"],
        )


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/childcare/enrolments/",
        "/api/v1/childcare/waitlist/",
        "/api/v1/childcare/checkups/",
        "/api/v1/childcare/follow-ups/",
        "/api/v1/childcare/stats/places/",
        "/manage/childcare/",
        "/manage/childcare/overdue/",
        "/manage/childcare/vouchers/",
    ],
)
def test_list_query_count_does_not_grow(operator_client, nursery, url):
    populate(nursery, 1)
    one = count(operator_client, url)
    populate(nursery, 10)
    assert count(operator_client, url) == one


def test_class_page_query_count_does_not_grow(operator_client, nursery):
    populate(nursery, 1)
    one = count(operator_client, f"/manage/childcare/classes/{nursery.classes.get(name='满班1').pk}/")
    populate(nursery, 10)
    assert (
        count(operator_client, f"/manage/childcare/classes/{nursery.classes.get(name='满班10').pk}/") == one
    )
