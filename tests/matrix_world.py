"""Objects the permission matrix points at: one of each kind in town A (the operator's facility) and
one in town B, built directly or through each app's services (as the district administrator)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile

from conftest import TOWN_A, TOWN_B

_n = itertools.count(1)
SEAT = Point(106.266, 29.991, srid=4326)


# A 1×1 PNG: what inspectors upload as photos and operators as evidence.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _upload(user) -> dict:
    return {
        "sha256": hashlib.sha256(PNG).hexdigest(),
        "size": len(PNG),
        "content_type": "image/png",
        "uploaded_by": user,
    }


def facilities(cast):
    from facilities.models import Facility, FacilityKind, FacilityStatus

    def make(town, name):
        return Facility.objects.create(
            name=name,
            kind=FacilityKind.NURSING_HOME,
            town_id=town,
            location=SEAT,
            status=FacilityStatus.OPERATING,
            beds_total=40,
            phone="023-42751234",
        )

    a, b = make(TOWN_A, "矩阵养老院甲"), make(TOWN_B, "矩阵养老院乙")
    a.operators.add(cast["operator"])
    closed = make(TOWN_A, "矩阵养老院丙")  # closed: not public, still in the registry
    Facility.objects.filter(pk=closed.pk).update(status=FacilityStatus.CLOSED)
    return {"a": a, "b": b, "closed": closed}


def _resident(town, seq):
    from hechuan_portal.common import crypto, idcard
    from hechuan_portal.residents.models import Resident

    if True:
        birth = dt.date(1940, 5, 10)
        first17 = f"500117{birth:%Y%m%d}{seq:03d}"
        number = first17 + idcard.check_char(first17)
        return Resident.objects.create(
            id_cipher=crypto.encrypt(number),
            id_index=crypto.blind_index(number),
            id_masked=idcard.mask(number),
            name=f"矩阵老人{seq}",
            gender="M",
            birth_date=birth,
            hukou_code=town[:9] + "001",
            town_id=town,
            lives_alone=True,
            extract_date=dt.date(2026, 11, 1),
            source="矩阵",
        )


def residents(cast):
    from hechuan_portal.residents.models import ImportBatch

    batch = ImportBatch.objects.create(
        created_by=cast["district_admin"], file_name="矩阵.csv", extract_date=dt.date(2026, 11, 1)
    )
    return {"a": _resident(TOWN_A, 101), "b": _resident(TOWN_B, 103), "batch": batch}


def childcare(cast):
    from childcare import services
    from childcare.models import Checkup, ClassType, FollowUp
    from facilities.models import Facility, FacilityKind, FacilityStatus

    admin = cast["district_admin"]
    out = {}
    for key, town in (("a", TOWN_A), ("b", TOWN_B)):
        nursery = Facility.objects.create(
            name=f"矩阵托育园{key}",
            kind=FacilityKind.NURSERY,
            town_id=town,
            location=SEAT,
            status=FacilityStatus.OPERATING,
        )
        if key == "a":
            nursery.operators.add(cast["operator"])
        klass = services.class_create(
            actor=admin,
            facility=nursery,
            name=f"矩阵班{key}",
            class_type=ClassType.MIXED,
            capacity=1,
            caregivers=1,
        )
        child = services.child_create(
            actor=admin,
            name=f"矩阵幼儿{key}",
            gender="F",
            birth_date=dt.date(2024, 9, 1),
            guardian_name="家长",
            guardian_phone="13800000000",
            town_id=town,
        )
        enrolment = services.enrolment_create(actor=admin, child=child, klass=klass)
        waiting = services.child_create(
            actor=admin,
            name=f"矩阵候补{key}",
            gender="M",
            birth_date=dt.date(2024, 8, 1),
            guardian_name="家长",
            guardian_phone="13800000001",
            town_id=town,
        )
        entry = services.waitlist_join(actor=admin, child=waiting, klass=klass)
        checkup = Checkup.objects.create(
            child=child, facility=nursery, age_months=24, due_date=dt.date(2026, 9, 1)
        )
        follow_up = FollowUp.objects.create(
            checkup=checkup,
            child=child,
            facility=nursery,
            clinic=nursery,
            reason="stunting",
            due_date=dt.date(2026, 12, 1),
        )
        out[key] = {
            "facility": nursery,
            "klass": klass,
            "child": child,
            "enrolment": enrolment,
            "waitlist": entry,
            "checkup": checkup,
            "follow_up": follow_up,
        }
    return out


def monitoring(cast):
    from facilities.models import Facility, FacilityKind, FacilityStatus
    from monitoring import services
    from monitoring.models import Finding, FindingEvidence, InspectionPhoto, InspectionPlan

    admin = cast["district_admin"]
    out = {}
    for key, town, seq in (("a", TOWN_A, 201), ("b", TOWN_B, 203)):
        facility = Facility.objects.create(
            name=f"矩阵检查养老院{key}",
            kind=FacilityKind.NURSING_HOME,
            town_id=town,
            location=SEAT,
            status=FacilityStatus.OPERATING,
            beds_total=30,
        )
        if key == "a":
            facility.operators.add(cast["operator"])
        inspection = services.inspection_create(
            facility=facility, topic="fire_safety", due_on=dt.date(2026, 12, 15), actor=admin
        )
        item = inspection.template.items.order_by("position").first()
        finding = Finding.objects.create(
            inspection=inspection,
            facility=facility,
            item=item,
            description="灭火器过期",
            severity=item.severity,
            deadline=dt.date(2026, 12, 31),
        )
        plan = InspectionPlan.objects.create(
            name=f"矩阵抽查{key}",
            topic="fire_safety",
            town_id=town,
            starts_on=dt.date(2026, 12, 1),
            ends_on=dt.date(2026, 12, 31),
            created_by=admin,
        )
        photo = InspectionPhoto(inspection=inspection, item=item, **_upload(admin))
        photo.file.save("photo.png", ContentFile(PNG), save=True)
        evidence = FindingEvidence(finding=finding, note="已更换", **_upload(admin))
        evidence.file.save("evidence.png", ContentFile(PNG), save=True)
        resident = _resident(town, seq)
        visit = services.visit_record(
            resident=resident, actor=admin, visited_on=dt.date(2026, 11, 20), method="home", condition="good"
        )
        out[key] = {
            "facility": facility,
            "inspection": inspection,
            "finding": finding,
            "plan": plan,
            "resident": resident,
            "visit": visit,
            "photo": photo,
            "evidence": evidence,
        }
    return out


def subsidies(cast):
    from decimal import Decimal

    from hechuan_portal.residents.models import AwayPeriod
    from subsidies.models import (
        AllowanceGrant,
        AllowancePolicy,
        MatchRun,
        Overpayment,
        PaymentLine,
        PayrollPeriod,
    )

    period = PayrollPeriod.objects.create(month=dt.date(2026, 10, 1))
    run = MatchRun.objects.create(as_of=dt.date(2026, 10, 1), status="succeeded", trigger="matrix")
    out = {"period": period, "run": run, "month": "2026-10", "policy": AllowancePolicy.objects.order_by("pk").first()}
    for key, town, seq in (("a", TOWN_A, 301), ("b", TOWN_B, 303)):
        resident = _resident(town, seq)
        grant = AllowanceGrant.objects.create(resident=resident)
        line = PaymentLine.objects.create(
            period=period,
            resident=resident,
            town_id=town,
            month=period.month,
            tier_code="80-89",
            tier_label="80—89岁",
            amount=Decimal("100.00"),
            kind="normal",
        )
        over = Overpayment.objects.create(
            line=line,
            resident=resident,
            town_id=town,
            month=period.month,
            amount=Decimal("100.00"),
            reason="death",
        )
        away = AwayPeriod.objects.create(
            resident=resident,
            moved_out_date=dt.date(2026, 6, 1),
            review="pending",
            proposed_in_date=dt.date(2026, 10, 1),
        )
        out[key] = {"resident": resident, "grant": grant, "overpayment": over, "away": away}
    return out


def overview(cast):
    from overview.models import MonthlyReport

    report = MonthlyReport(period=dt.date(2026, 10, 1))
    report.file.save("matrix-2026-10.xlsx", ContentFile(b"PK\x03\x04 matrix"), save=True)
    return {"report": report}


def community(cast):
    from community.models import (
        CarePhoto,
        CareRecord,
        ClaimStatus,
        MealClaim,
        MealImport,
        MealPolicy,
        Volunteer,
    )
    from facilities.models import Facility, FacilityKind, FacilityStatus
    from hechuan_portal.residents.models import Resident

    admin = cast["district_admin"]
    MealPolicy.objects.create(name="矩阵助餐政策", effective_from=dt.date(2026, 1, 1))
    out = {}
    for key, town, seq in (("a", TOWN_A, 301), ("b", TOWN_B, 303)):
        canteen = Facility.objects.create(
            name=f"矩阵老年食堂{key}",
            kind=FacilityKind.ELDER_CANTEEN,
            canteen_subtype="community",
            town_id=town,
            location=SEAT,
            status=FacilityStatus.OPERATING,
        )
        if key == "a":
            canteen.operators.add(cast["operator"])
        person = _resident(town, seq)
        Resident.objects.filter(pk=person.pk).update(tekun=True)
        batch = MealImport.objects.create(
            canteen=canteen, file_name="till.csv", status="succeeded", created_by=admin
        )
        claim = MealClaim.objects.create(
            canteen=canteen,
            month=dt.date(2026, 12, 1),
            status=ClaimStatus.DRAFT,
            computed_at=dt.datetime(2026, 12, 31, tzinfo=dt.UTC),
        )
        record = CareRecord.objects.create(
            resident=person,
            town_id=town,
            kind="bath_home",
            provider=canteen,
            performed_at=dt.datetime(2026, 12, 3, 2, tzinfo=dt.UTC),
            recorded_by=admin,
            location_check="missing",
        )
        photo = CarePhoto(record=record, **_upload(admin))
        photo.file.save("bath.png", ContentFile(PNG), save=True)
        volunteer = Volunteer.objects.create(resident=person, town_id=town)
        out[key] = {"batch": batch, "claim": claim, "record": record, "volunteer": volunteer, "photo": photo}
    return out
