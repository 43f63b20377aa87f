"""The district's reference list of areas, read from `fixtures/areas.json` (one source, readable by a
person). No ORM here: the data migration and the `areas_load_reference` service both read it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .models import AreaLevel

REFERENCE_FILE = Path(settings.BASE_DIR) / "fixtures" / "areas.json"


@dataclass(frozen=True)
class ReferenceArea:
    code: str
    name: str
    level: str
    parent: str | None


def read_reference(path: Path = REFERENCE_FILE) -> list[ReferenceArea]:
    """The areas of the file, parents before children. ValueError names the first bad entry."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    areas = [ReferenceArea(**entry) for entry in data["areas"]]
    codes: set[str] = set()
    for area in areas:
        if not (len(area.code) == 12 and area.code.isdigit()) or area.level not in AreaLevel.values:
            raise ValueError(f"{area.code} {area.name}")
        if (area.parent is None) != (area.level == AreaLevel.DISTRICT) or (area.parent and area.parent not in codes):
            raise ValueError(f"{area.code} {area.name}: parent {area.parent}")
        codes.add(area.code)
    return areas
