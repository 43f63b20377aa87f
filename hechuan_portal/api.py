"""API-wide pieces: the error format every endpoint shares."""

import logging

from django.db import IntegrityError
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    """DRF's handler, plus a JSON 500 with an actionable message instead of a stack trace."""
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, IntegrityError):
        # A rule the database holds (check or unique constraint) that validation did not catch
        # first: the request is refused and nothing was written — a 400, not a server error.
        # Only the constraint's name: the failing row may hold personal data.
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        logger.warning("Constraint %s refused an API write in %s", constraint, context.get("view").__class__.__name__)
        return Response(
            {"code": "constraint_violated", "detail": _("提交的数据不符合规则，未保存。请检查后重试。")},
            status=400,
        )
    logger.exception("Unhandled API error in %s", context.get("view").__class__.__name__)
    return Response(
        {"code": "server_error", "detail": _("服务器内部错误，请稍后重试或联系管理员。")},
        status=500,
    )
