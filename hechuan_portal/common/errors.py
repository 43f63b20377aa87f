"""The portal's one error: a stable code, an optional field, optional params, an HTTP status.

Every refused action in every app raises `PortalError` with a code from that app's `error_codes.py`
(a `TextChoices` whose label is the translated message). The API's exception handler
(`hechuan_portal.api.exception_handler`) turns it — and Django's `ValidationError`,
`PermissionDenied`, `Http404` and database constraint errors — into one JSON body::

    {"code": "class_full", "detail": "该班级已满，可登记候补。", "field": "school_class"}

An HTML view puts the same error on its form with `form_error(form, exc)`, or with
`form_refusal(form, exc)` when a role refusal should be the 403 page and the status is returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommonCode(models.TextChoices):
    """Codes every app shares (the framework's refusals and the generic ones)."""

    INVALID = "invalid", _("提交的数据不正确。")
    NOT_ALLOWED = "not_allowed", _("您的角色不能执行该操作。")
    NOT_AUTHENTICATED = "not_authenticated", _("请先登录。")
    NOT_FOUND = "not_found", _("未找到。")
    NOT_IN_SCOPE = "not_in_scope", _("超出您的管理范围。")
    CONSTRAINT_VIOLATED = "constraint_violated", _("提交的数据不符合规则，未保存。请检查后重试。")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("不支持该请求方法。")
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", _("不支持该请求内容类型。")
    PARSE_ERROR = "parse_error", _("请求内容无法解析。")
    THROTTLED = "throttled", _("请求过于频繁，请稍后再试。")
    REQUEST_TOO_LARGE = "request_too_large", _("提交的内容过大（上限 %(limit)s MB）。")
    SERVER_ERROR = "server_error", _("服务器内部错误，请稍后重试或联系管理员。")


class PortalError(Exception):
    """A refused action. `code` is a member of an app's error-code enum; its label is the message,
    formatted with `params` (named placeholders only, so translators can reorder them)."""

    def __init__(
        self,
        code: models.TextChoices,
        *,
        field: str | None = None,
        params: Mapping[str, Any] | None = None,
        status: int = 400,
    ) -> None:
        self.code = code
        self.field = field
        self.params = dict(params or {})
        self.status = status
        super().__init__(str(code.value))

    @property
    def detail(self) -> str:
        text = str(self.code.label)
        return text % self.params if self.params else text

    # Older call sites and templates read `.message`.
    message = detail

    def as_validation_error(self) -> ValidationError:
        """The same error as Django's, for form and model validation paths."""
        error = ValidationError(self.detail, code=str(self.code.value))
        return ValidationError({self.field: error}) if self.field else error

    def body(self) -> dict[str, Any]:
        return {"code": str(self.code.value), "detail": self.detail, "field": self.field}


def not_allowed() -> PortalError:
    return PortalError(CommonCode.NOT_ALLOWED, status=403)


def not_found() -> PortalError:
    return PortalError(CommonCode.NOT_FOUND, status=404)


def form_error(form, exc: PortalError | ValidationError, *, fields: Mapping[str, str] | None = None) -> None:
    """Put a refused action on an HTML form: on its field when the form has it, else on the form.
    `fields` maps a service's field to the form's where they differ (`{"resident": "id_number"}`:
    the person was looked up by the number typed)."""
    if isinstance(exc, PortalError):
        field = (fields or {}).get(exc.field or "", exc.field)
        field = field if field in form.fields else None
        form.add_error(field, ValidationError(exc.detail, code=str(exc.code.value)))
        return
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def form_refusal(form, exc: PortalError, *, fields: Mapping[str, str] | None = None) -> int:
    """A service's refusal on a page with a form: a role refusal (403) is the 403 page, any other
    goes on the form (`form_error`) and its status is the one the page answers with."""
    if exc.status == 403:
        raise PermissionDenied from exc
    form_error(form, exc, fields=fields)
    return exc.status
