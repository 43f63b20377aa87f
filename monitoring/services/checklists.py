"""Checklist templates: which version an inspection uses, and publishing a new version."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from facilities.models import Facility
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require

from .. import access
from ..models import ChecklistItem, ChecklistTemplate


def template_for(facility: Facility, topic: str) -> ChecklistTemplate | None:
    """The newest active version of the template for this topic that covers the facility's kind."""
    return (
        ChecklistTemplate.objects.filter(topic=topic, is_active=True, kinds__contains=[facility.kind])
        .order_by("-version", "code")
        .first()
    )


@transaction.atomic
def template_new_version(
    *, template: ChecklistTemplate, items: list[dict[str, Any]], actor: Any, name: str = ""
) -> ChecklistTemplate:
    """Save `items` as the next version of `template`'s code; the previous versions stay as they
    were (inspections keep the version they used) and stop being offered for new inspections."""
    require(access.can_manage_templates, actor)
    latest = (
        ChecklistTemplate.objects.select_for_update().filter(code=template.code).order_by("-version").first()
    )
    assert latest is not None  # `template` itself has this code
    new = ChecklistTemplate.objects.create(
        code=template.code,
        version=latest.version + 1,
        name=name or template.name,
        topic=template.topic,
        kinds=template.kinds,
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            template=new,
            position=n,
            text=it["text"],
            basis=it.get("basis", ""),
            weight=it.get("weight", 10),
            severity=it["severity"],
        )
        for n, it in enumerate(items, start=1)
    )
    ChecklistTemplate.objects.filter(code=template.code).exclude(pk=new.pk).update(is_active=False)
    audit_record(
        action=AuditAction.CREATE, actor=audit_user(actor), obj=new, changes={"version": new.version}
    )
    return new
