"""The one API error body, as the shared handler (`hechuan_portal.api.exception_handler`) writes it:

    {"code": str, "detail": str, "field": str | null}

plus, when several fields are at fault, "errors": a list of bodies of that shape (not nested).
The permission matrix checks every 4xx answer of the API against it; test_error_body.py checks the
handler itself for every kind of exception it maps.
"""

from __future__ import annotations

from typing import Any

ERROR_KEYS = {"code", "detail", "field"}


def _one(item: Any, where: str) -> list[str]:
    if not isinstance(item, dict):
        return [f"{where} is not an object: {item!r}"]
    out = []
    if set(item) - {"errors"} != ERROR_KEYS:
        out.append(f"{where} has keys {sorted(item)}, expected code, detail, field")
    if not (isinstance(item.get("code"), str) and item["code"]):
        out.append(f"{where}: code {item.get('code')!r} is not a non-empty string")
    if not (isinstance(item.get("detail"), str) and item["detail"]):
        out.append(f"{where}: detail {item.get('detail')!r} is not a non-empty string")
    if not (item.get("field") is None or isinstance(item.get("field"), str)):
        out.append(f"{where}: field {item.get('field')!r} is neither a string nor null")
    return out


def body_problems(body: Any) -> list[str]:
    """What is wrong with an error body ([] when it has the one shape)."""
    problems = _one(body, "body")
    if isinstance(body, dict) and "errors" in body:
        errors = body["errors"]
        if not isinstance(errors, list) or not errors:
            return problems + [f"errors {errors!r} is not a non-empty list"]
        for index, item in enumerate(errors):
            problems += _one(item, f"errors[{index}]")
            if isinstance(item, dict) and "errors" in item:
                problems.append(f"errors[{index}] nests errors")
    return problems


def response_problems(response: Any) -> list[str]:
    """The same for a test client's response, which must also be JSON."""
    content_type = response.get("Content-Type", "")
    if not content_type.startswith("application/json"):
        return [f"not JSON ({content_type!r})"]
    return body_problems(response.json())
