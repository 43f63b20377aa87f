"""The shared API exception handler answers every kind of refusal with the one error body."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, serializers

from hechuan_portal.api import exception_handler
from hechuan_portal.areas.error_codes import ErrorCode as AreaCode
from hechuan_portal.common.errors import CommonCode, PortalError

from .error_body import body_problems


class _Input(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField(min_value=1)


def _serializer_error() -> exceptions.ValidationError:
    serializer = _Input(data={"count": 0})
    with pytest.raises(exceptions.ValidationError) as exc:
        serializer.is_valid(raise_exception=True)
    return exc.value


def _answer(exc: Exception):
    response = exception_handler(exc, {"view": None})
    assert body_problems(response.data) == [], response.data
    return response.status_code, response.data


def test_portal_error_with_field_and_params():
    status, body = _answer(PortalError(AreaCode.INVALID_CODE, field="code", params={"n": 2, "code": "1"}))
    assert status == 400
    assert body == {
        "code": "boundary_invalid_code",
        "detail": "第 2 个要素：区划代码“1”无效，应为合川区的 12 位代码",
        "field": "code",
    }
    assert _answer(PortalError(CommonCode.NOT_IN_SCOPE, status=403))[1]["code"] == "not_in_scope"


def test_serializer_errors_name_the_first_field_and_list_all():
    status, body = _answer(_serializer_error())
    assert status == 400
    assert (body["code"], body["field"]) == ("required", "name")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("name", "required"), ("count", "min_value")]


def test_django_validation_errors_by_field_and_without_one():
    status, body = _answer(DjangoValidationError({"birth_date": DjangoValidationError("太早", code="too_early")}))
    assert (status, body["code"], body["field"], body["detail"]) == (400, "too_early", "birth_date", "太早")
    status, body = _answer(DjangoValidationError("不可以", code="nope"))
    assert (status, body) == (400, {"code": "nope", "detail": "不可以", "field": None})


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (PermissionDenied(), 403, "not_allowed"),
        (Http404(), 404, "not_found"),
        (IntegrityError("check constraint"), 400, "constraint_violated"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.PermissionDenied(), 403, "not_allowed"),
        (exceptions.NotFound(), 404, "not_found"),
        (exceptions.MethodNotAllowed("PATCH"), 405, "method_not_allowed"),
        (exceptions.UnsupportedMediaType("text/plain"), 415, "unsupported_media_type"),
        (exceptions.ParseError(), 400, "parse_error"),
        (exceptions.Throttled(wait=3), 429, "throttled"),
        (RuntimeError("boom"), 500, "server_error"),
    ],
)
def test_framework_and_django_refusals(exc, status, code):
    answered, body = _answer(exc)
    assert (answered, body["code"], body["field"]) == (status, code, None)


@pytest.mark.django_db
def test_through_the_stack(client):
    """A real request: an unknown area (404) and a login without its fields (400, two fields)."""
    missing = client.get("/api/v1/areas/999999999999/")
    assert missing.status_code == 404 and missing.json() == {
        "code": "not_found",
        "detail": str(CommonCode.NOT_FOUND.label),
        "field": None,
    }
    login = client.post("/api/v1/auth/token/", {}, content_type="application/json")
    assert login.status_code == 400 and body_problems(login.json()) == []
    assert {e["field"] for e in login.json()["errors"]} == {"username", "password"}


def test_the_shape_check_catches_the_old_dialects():
    assert body_problems({"code": "x", "detail": "y"})  # no field
    assert body_problems({"detail": "y"})
    assert body_problems({"name": ["该字段是必填项。"]})
    assert body_problems({"code": "x", "detail": "y", "field": None, "errors": [{"code": "x"}]})
    assert body_problems({"code": "x", "detail": "y", "field": None}) == []
