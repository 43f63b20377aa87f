"""API-wide pieces: the error format every endpoint shares."""

import logging

from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    """DRF's handler, plus a JSON 500 with an actionable message instead of a stack trace."""
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    logger.exception("Unhandled API error in %s", context.get("view").__class__.__name__)
    return Response(
        {"code": "server_error", "detail": _("服务器内部错误，请稍后重试或联系管理员。")},
        status=500,
    )
