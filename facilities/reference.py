"""Reference data kept as files a person can read: the service-circle layers and their radii
(STANDARDS §7) in `fixtures/service_circle.json` at the repository root.

The data migration, `seed_demo` and the tests' reference-data guard all load them from there.
Existing layers are left as they are: district administrators edit radii in the admin.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SERVICE_CIRCLE_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "service_circle.json"


def service_circle_layers() -> list[dict[str, Any]]:
    """The layers as the file lists them (code, name, kinds, radius_m, population, note, sort_order)."""
    with SERVICE_CIRCLE_FILE.open(encoding="utf-8") as f:
        return json.load(f)


def load_service_layers(apps: Any = None, schema_editor: Any = None) -> int:
    """Create the layers the table does not have yet; returns how many were created. Works with a
    migration's historical models (`apps`) or the current ones."""
    if apps is None:
        from .models import ServiceLayer
    else:
        ServiceLayer = apps.get_model("facilities", "ServiceLayer")  # noqa: N806
    created = 0
    for row in service_circle_layers():
        defaults = {k: v for k, v in row.items() if k != "code"}
        created += ServiceLayer.objects.get_or_create(code=row["code"], defaults=defaults)[1]
    return created
