"""What every monitoring page shares: who may open it, and paging."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .. import access


def monitoring_user(view: Callable[..., Any] | None = None, *, inspectors_only: bool = False) -> Any:
    """Logged in with a scope (auditors have none); `inspectors_only` also keeps operators out."""

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not access.can_use(request.user):
                raise PermissionDenied
            if inspectors_only and not access.can_inspect(request.user):
                raise PermissionDenied
            return fn(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view else decorator
