"""fixtures/checklists.json is the source of the checklist templates the database holds."""

from __future__ import annotations

import pytest

from monitoring.models import ChecklistItem, ChecklistTemplate, Severity, Topic
from monitoring.reference import checklist_templates, load_checklists

pytestmark = pytest.mark.django_db


def test_the_database_holds_every_template_of_the_file_with_its_items():
    for t in checklist_templates():
        template = ChecklistTemplate.objects.get(code=t["code"], version=t["version"])
        assert (template.name, template.topic, template.kinds) == (t["name"], t["topic"], t["kinds"])
        items = list(template.items.order_by("position").values("text", "basis", "weight", "severity"))
        assert items == [
            {"text": i["text"], "basis": i["basis"], "weight": i["weight"], "severity": i["severity"]}
            for i in t["items"]
        ]


def test_loading_twice_creates_nothing_and_leaves_the_items_alone():
    templates, items = ChecklistTemplate.objects.count(), ChecklistItem.objects.count()
    assert load_checklists() == 0
    assert (ChecklistTemplate.objects.count(), ChecklistItem.objects.count()) == (templates, items)


def test_a_missing_template_is_created_from_the_file():
    ChecklistTemplate.objects.filter(code="fees_childcare").delete()
    assert load_checklists() == 1
    template = ChecklistTemplate.objects.get(code="fees_childcare", version=1)
    assert template.items.count() == 4


def test_the_file_uses_known_topics_and_severities_only():
    for t in checklist_templates():
        assert t["topic"] in Topic.values
        assert t["items"] and all(i["severity"] in Severity.values for i in t["items"])
