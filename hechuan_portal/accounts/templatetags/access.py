"""`{% can "facilities.edit" facility as may_edit %}`: templates ask the same `access.py` functions
as views and services, so a link a user may not follow is never drawn."""

from __future__ import annotations

import importlib
from typing import Any

from django import template
from django.apps import apps

register = template.Library()


def access_check(name: str):
    """ "<app label>.<action>" → that app's `access.can_<action>`."""
    label, action = name.split(".", 1)
    module = importlib.import_module(f"{apps.get_app_config(label).name}.access")
    return getattr(module, f"can_{action}")


@register.simple_tag(takes_context=True)
def can(context: template.Context, name: str, obj: Any = None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    check = access_check(name)
    return bool(check(user) if obj is None else check(user, obj))
