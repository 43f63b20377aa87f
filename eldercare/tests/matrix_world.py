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
