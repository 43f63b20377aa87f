"""The API's one error body: every refusal answers `{"code", "detail", "field"}`.

`exception_handler` (settings.REST_FRAMEWORK) maps the portal's `PortalError`, DRF's exceptions and
Django's `ValidationError`, `PermissionDenied`, `Http404` and database constraint errors to that body,
translated into the request's language. A validation error naming several fields answers the first in
`code`/`detail`/`field` and all of them in `errors`. No API action catches its own errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

import orjson
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import exceptions
from rest_framework.response import Response

from hechuan_portal.common.errors import CommonCode, PortalError

logger = logging.getLogger(__name__)

NON_FIELD = {"non_field_errors", "__all__"}

# DRF's own exception classes, by the portal code they answer with.
_DRF_CODES: tuple[tuple[type[exceptions.APIException], CommonCode], ...] = (
    (exceptions.NotAuthenticated, CommonCode.NOT_AUTHENTICATED),
    (exceptions.AuthenticationFailed, CommonCode.NOT_AUTHENTICATED),
    (exceptions.PermissionDenied, CommonCode.NOT_ALLOWED),
    (exceptions.NotFound, CommonCode.NOT_FOUND),
    (exceptions.MethodNotAllowed, CommonCode.METHOD_NOT_ALLOWED),
    (exceptions.UnsupportedMediaType, CommonCode.UNSUPPORTED_MEDIA_TYPE),
    (exceptions.ParseError, CommonCode.PARSE_ERROR),
    (exceptions.Throttled, CommonCode.THROTTLED),
    (exceptions.NotAcceptable, CommonCode.INVALID),
)


def error_body(code: str, detail: str, field: str | None = None, errors: list | None = None) -> dict:
    body: dict[str, Any] = {"code": str(code), "detail": str(detail), "field": field}
    if errors and len(errors) > 1:
        body["errors"] = errors
    return body


def _flatten(detail: Any, codes: Any, prefix: str | None = None) -> list[dict]:
    """DRF's nested {field: [ErrorDetail…]} → a flat list of {"field", "code", "detail"}."""
    out: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = None if key in NON_FIELD else (f"{prefix}.{key}" if prefix else str(key))
            out += _flatten(value, codes.get(key) if isinstance(codes, dict) else codes, name or prefix)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            sub = codes[index] if isinstance(codes, list) and index < len(codes) else codes
            nested = isinstance(value, (dict, list))
            out += _flatten(value, sub, f"{prefix}.{index}" if nested and prefix else prefix)
    else:
        out.append({"field": prefix, "code": str(codes or "invalid"), "detail": str(detail)})
    return out


def _validation_body(detail: Any, codes: Any) -> dict:
    errors = _flatten(detail, codes) or [{"field": None, "code": "invalid", "detail": str(CommonCode.INVALID.label)}]
    first = errors[0]
    return error_body(first["code"], first["detail"], first["field"], errors)


def _django_validation(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        detail = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        codes = {k: [e.code or "invalid" for e in v for _ in e.messages] for k, v in exc.error_dict.items()}
    else:
        detail = [str(m) for e in exc.error_list for m in e.messages]
        codes = [e.code or "invalid" for e in exc.error_list for _ in e.messages]
    return _validation_body(detail, codes)


def exception_handler(exc: Exception, context: dict) -> Response:
    view = getattr(context.get("view"), "__name__", None) or context.get("view").__class__.__name__
    headers: dict[str, str] = {}
    if isinstance(exc, PortalError):
        return Response(exc.body(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        return Response(_django_validation(exc), status=400)
    if isinstance(exc, (Http404, exceptions.NotFound)):
        return Response(error_body(CommonCode.NOT_FOUND, str(CommonCode.NOT_FOUND.label)), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(error_body(CommonCode.NOT_ALLOWED, str(CommonCode.NOT_ALLOWED.label)), status=403)
    if isinstance(exc, exceptions.ValidationError):
        return Response(_validation_body(exc.detail, exc.get_codes()), status=exc.status_code)
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(int(exc.wait))
        code = next((c for cls, c in _DRF_CODES if isinstance(exc, cls)), None)
        detail = exc.detail
        if isinstance(detail, dict) and "code" in detail:
            # A permission class's {"code", "detail"} message.
            return Response(error_body(str(detail["code"]), str(detail.get("detail", ""))), exc.status_code, headers=headers)
        # The portal's wording for the framework's own refusals; a view's own message stays.
        own = str(detail) != str(exc.default_detail)
        text = str(detail) if own or code is None else str(code.label)
        return Response(
            error_body(str(code or exc.default_code), text), status=exc.status_code, headers=headers
        )
    if isinstance(exc, (IntegrityError, DataError)):
        # A rule the database holds (check or unique constraint) that validation did not catch first:
        # nothing was written — a 400, not a server error. Only the constraint's name is logged: the
        # failing row may hold personal data.
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        logger.warning("Constraint %s refused an API write in %s", constraint, view)
        return Response(
            error_body(CommonCode.CONSTRAINT_VIOLATED, str(CommonCode.CONSTRAINT_VIOLATED.label)), status=400
        )
    logger.exception("Unhandled API error in %s", view)
    return Response(error_body(CommonCode.SERVER_ERROR, str(CommonCode.SERVER_ERROR.label)), status=500)


def plain_json_view(
    *, methods: tuple[str, ...] = ("GET", "HEAD"), throttle_scope: str | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A hot endpoint written as a plain Django view (like /healthz) that still answers like the API:
    other methods are 405 `method_not_allowed` with `Allow`, the scope's `ClientRateThrottle` answers
    429 `throttled` with `Retry-After`, and a PortalError (or DRF error) the view raises reaches the
    client through `exception_handler`, the one error body. The view itself catches nothing."""
    from hechuan_portal.accounts.tokens import ClientRateThrottle

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise exceptions.MethodNotAllowed(request.method or "")
                if throttle_scope is not None:
                    throttle = ClientRateThrottle()
                    if not throttle.allow_request(request, wrapper):  # type: ignore[arg-type]
                        raise exceptions.Throttled(throttle.wait())
                return view(request, *args, **kwargs)
            except Exception as exc:  # every error, as DRF's APIView.handle_exception hands it on
                response = exception_handler(exc, {"view": view, "request": request})
                rendered = HttpResponse(
                    orjson.dumps(response.data), status=response.status_code, content_type="application/json"
                )
                for name, value in response.items():
                    if name.lower() != "content-type":
                        rendered[name] = value
                if response.status_code == 405:
                    rendered["Allow"] = ", ".join(methods)
                return rendered

        wrapper.throttle_scope = throttle_scope  # type: ignore[attr-defined]  # read by ScopedRateThrottle
        return wrapper

    return decorate
