"""The demo data set: deterministic and re-runnable."""

import io

from childcare import demo
from childcare.models import Checkup, Child, ChildcareClass, Enrolment, FollowUp, Voucher, WaitlistEntry
from facilities.models import Facility


def snapshot():
    return {
        "classes": sorted(ChildcareClass.objects.values_list("name", "capacity", "occupied", "reserved")),
        "children": sorted(Child.objects.values_list("name", "birth_date", "id_masked", "town_id")),
        "enrolments": Enrolment.objects.filter(status="active").count(),
        "waiting": WaitlistEntry.objects.count(),
        "checkups": sorted(Checkup.objects.values_list("age_months", "status", "z_wfa")),
        "follow_ups": FollowUp.objects.count(),
        "vouchers": Voucher.objects.count(),
        "places": sorted(
            Facility.objects.values_list("name", "places_total", "places_inclusive", "places_occupied")
        ),
    }


def test_seed_twice_gives_the_same_data(db):
    out = io.StringIO()
    demo.seed(residents=0, stdout=out)
    first = snapshot()
    demo.seed(residents=0, stdout=io.StringIO())
    assert snapshot() == first
    assert "演示数据" in out.getvalue()
    assert len(first["children"]) == 40
    assert first["enrolments"] > 0 and first["waiting"] > 0
    assert any(status == "done" for _, status, _ in first["checkups"])
    assert all(c.is_demo for c in ChildcareClass.objects.all())
    # Facility totals equal the sums over its classes.
    for f in Facility.objects.filter(kind__in=["nursery", "childcare_point", "kindergarten"]):
        classes = ChildcareClass.objects.filter(facility=f)
        assert f.places_total == sum(c.capacity for c in classes)
        assert f.places_occupied == sum(c.occupied for c in classes)
