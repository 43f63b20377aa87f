"""Reference data of the monitoring app, read from files a person can check: fixtures/checklists.json.

`load_checklists` creates every template version of the file that the database lacks, with its
items; a version already there is left as it is (inspections keep the questions they were recorded
against). It takes the app registry so the data migration can pass its historical models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings

CHECKLISTS = Path(settings.BASE_DIR) / "fixtures" / "checklists.json"


def checklist_templates(path: Path = CHECKLISTS) -> list[dict[str, Any]]:
    """The templates of the file: code, version, name, topic, kinds and items."""
    with path.open(encoding="utf-8") as fh:
        return list(json.load(fh)["templates"])


def load_checklists(apps: Any = global_apps, schema_editor: Any = None) -> int:
    """Create the file's template versions the database lacks; returns how many were created."""
    Template = apps.get_model("monitoring", "ChecklistTemplate")
    Item = apps.get_model("monitoring", "ChecklistItem")
    created = 0
    for t in checklist_templates():
        template, new = Template.objects.get_or_create(
            code=t["code"],
            version=t["version"],
            defaults={"name": t["name"], "topic": t["topic"], "kinds": t["kinds"]},
        )
        if new:
            created += 1
            Item.objects.bulk_create(
                Item(
                    template=template,
                    position=n,
                    text=it["text"],
                    basis=it.get("basis", ""),
                    weight=it.get("weight", 10),
                    severity=it["severity"],
                )
                for n, it in enumerate(t["items"], start=1)
            )
    return created
