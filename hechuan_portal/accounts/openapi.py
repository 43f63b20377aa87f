"""OpenAPI post-processing: every operation documents the error answers it can give.

drf-spectacular documents the success answer only; clients (and Schemathesis) also need to know that
a protected operation may answer 401/403, one with a path parameter 404 (out of scope is 404, never
403), and one taking input 400. Every error is the one body of `hechuan_portal.api.exception_handler`,
documented here once as the `Error` component.
"""

from __future__ import annotations

_ITEM = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "稳定的错误代码 / stable error code"},
        "detail": {
            "type": "string",
            "description": "可读的说明（按请求语言）/ message in the request's language",
        },
        "field": {
            "type": "string",
            "nullable": True,
            "description": "出错的字段，无则为 null / the field at fault",
        },
    },
    "required": ["code", "detail", "field"],
}
ERROR_SCHEMA = {
    **_ITEM,
    "properties": {
        **_ITEM["properties"],
        "errors": {
            "type": "array",
            "items": _ITEM,
            "description": "多个字段出错时的全部错误 / every error when several fields are at fault",
        },
    },
    "example": {"code": "required", "detail": "该字段是必填项。", "field": "name"},
}
DESCRIPTIONS = {
    "400": "请求参数不正确",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作",
    "404": "不存在或不在管辖范围内",
    "409": "当前状态下不能执行该操作",
    "415": "请求体须为 JSON（上传文件的操作另行说明）",
    "429": "请求过于频繁，请按 Retry-After 稍后再试",
}
# One example body per answer, as `hechuan_portal.api.exception_handler` writes them.
EXAMPLES = {
    "400": {
        "code": "required",
        "detail": "该字段是必填项。",
        "field": "name",
        "errors": [
            {"code": "required", "detail": "该字段是必填项。", "field": "name"},
            {"code": "invalid", "detail": "请填写合法的整数值。", "field": "beds_total"},
        ],
    },
    "401": {"code": "not_authenticated", "detail": "请先登录。", "field": None},
    "403": {"code": "not_allowed", "detail": "您的角色不能执行该操作。", "field": None},
    "404": {"code": "not_found", "detail": "未找到。", "field": None},
    "409": {"code": "invalid_transition", "detail": "当前状态下不能执行该操作。", "field": None},
    "415": {"code": "unsupported_media_type", "detail": "不支持该请求内容类型。", "field": None},
    "429": {"code": "throttled", "detail": "请求过于频繁，请稍后再试。", "field": None},
}
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "秒数 / seconds to wait before retrying"}
}


def error_content(code: str) -> dict:
    """The `content` of an error answer: the Error body, with its example."""
    return {
        "application/json": {
            "schema": {"$ref": "#/components/schemas/Error"},
            "examples": {code: {"value": EXAMPLES[code], "summary": DESCRIPTIONS[code]}},
        }
    }


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            security = operation.get("security", [])
            codes = []
            if (
                operation.get("requestBody")
                or method not in ("get", "head", "options")  # a write's rule may refuse it, body or not
                or any(p.get("in") == "query" for p in operation.get("parameters", []))
            ):
                codes.append("400")
            if security or method not in ("get", "head", "options"):
                # Also where anonymous callers are admitted ({} in security): a viewset open to
                # anonymous readers still answers 401 on its staff-only actions and anonymous writes,
                # and 403 on a session-authenticated write without its CSRF token.
                codes += ["401", "403"]
            # Out of scope is 404 — for the path's object, and for one named in the body or the query
            # (a class, a town, a service-circle layer…).
            codes.append("404")
            if method not in ("get", "head", "options"):
                # A write the record's state refuses (already drawn, not active, a transition the
                # life cycle forbids).
                codes.append("409")
            if operation.get("requestBody"):
                codes.append("415")
            for code in codes:
                operation["responses"].setdefault(code, {"description": DESCRIPTIONS[code]})
            for code, response in operation["responses"].items():
                # Every error answer (including those an operation declares itself) is the Error body.
                if code in EXAMPLES and "content" not in response:
                    response["content"] = error_content(code)
                if code == "429":
                    response.setdefault("headers", RETRY_AFTER)
    return result
