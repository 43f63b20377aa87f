"""The permission matrix's elder-care objects (tests/permission_table.py): in towns A and B, a person
in the register and an unsigned assessment of them by a qualified assessor outside the role cast."""

from __future__ import annotations

import datetime as dt

from hechuan_portal.accounts.models import Role

from .. import services
from .factories import TOWN_A, TOWN_B, answers_totalling, elder, make_assessor


def world(cast):
    out = {}
    for key, town in (("a", TOWN_A), ("b", TOWN_B)):
        assessor = make_assessor(f"matrix_assessor_{key}", role=Role.TOWN_OFFICER, area=town)
        resident, number = elder(dt.date(1938, 3, 4), town=town)
        assessment = services.assessment_record(
            actor=assessor,
            resident=resident,
            assessed_on=dt.date(2026, 11, 20),
            place="home",
            items=answers_totalling(50),
        )
        out[key] = {"resident": resident, "id_number": number, "assessment": assessment}
    return out


def support(cast):
    """Per town: an elder-care centre (town A's run by the cast's operator) with an active family care
    bed, its submitted claim and set-up photo; a public nursing home with guaranteed beds and an open
    placement; a home adaptation in works with a before photo. Built directly (the services are
    tested elsewhere)."""
    import hashlib

    from django.contrib.gis.geos import Point
    from django.core.files.base import ContentFile

    from facilities.models import Facility, FacilityKind, FacilityStatus

    from ..models import (
        AdaptationCase,
        AdaptationPhoto,
        AdaptationPolicy,
        AdaptationStatus,
        CareBed,
        CareBedClaim,
        CareBedPhoto,
        CareBedStatus,
        GuaranteedBeds,
        Placement,
    )
    from .factories import PNG

    admin = cast["district_admin"]
    upload = {"sha256": hashlib.sha256(PNG).hexdigest(), "size": len(PNG), "content_type": "image/png"}
    policy = AdaptationPolicy.objects.order_by("effective_from").first()
    out = {}
    for key, town in (("a", TOWN_A), ("b", TOWN_B)):
        where = {
            "town_id": town,
            "location": Point(106.27, 29.99, srid=4326),
            "status": FacilityStatus.OPERATING,
        }
        centre = Facility.objects.create(
            name=f"矩阵居家养老中心{key}", kind=FacilityKind.ELDER_CARE_CENTER, **where
        )
        home = Facility.objects.create(name=f"矩阵福利院{key}", kind=FacilityKind.NURSING_HOME, **where)
        if key == "a":
            centre.operators.add(cast["operator"])
            home.operators.add(cast["operator"])
        GuaranteedBeds.objects.create(facility=home, capacity=5, used=1)
        resident, number = elder(dt.date(1936, 2, 2), town=town, tekun=True)
        bed = CareBed.objects.create(
            resident=resident, town_id=town, provider=centre, status=CareBedStatus.ACTIVE,
            applied_on=dt.date(2026, 9, 1), grade=3, agreement_on=dt.date(2026, 9, 2), setup_on=dt.date(2026, 9, 3),
        )  # fmt: skip
        bed_photo = CareBedPhoto(bed=bed, uploaded_by=admin, **upload)
        bed_photo.file.save("bed.png", ContentFile(PNG), save=True)
        claim = CareBedClaim.objects.create(bed=bed, town_id=town, month=dt.date(2026, 10, 1), amount=300)
        placement = Placement.objects.create(
            resident=resident, town_id=town, facility=home, start_on=dt.date(2026, 9, 1)
        )
        case = AdaptationCase.objects.create(
            resident=resident, town_id=town, policy=policy, status=AdaptationStatus.WORKS,
            applied_on=dt.date(2026, 9, 1), quote_total=1000,
        )  # fmt: skip
        case_photo = AdaptationPhoto(case=case, stage="before", uploaded_by=admin, **upload)
        case_photo.file.save("before.png", ContentFile(PNG), save=True)
        out[key] = {
            "resident": resident,
            "id_number": number,
            "bed": bed,
            "bed_photo": bed_photo,
            "claim": claim,
            "placement": placement,
            "case": case,
            "case_photo": case_photo,
            "home": home,
        }
    return out
