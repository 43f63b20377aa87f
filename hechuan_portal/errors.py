"""Error pages: JSON for the API, a Chinese page for people; never a stack trace.

The API's JSON is the one error body of `hechuan_portal.api` (these two answer before DRF: an
unknown /api/ path, and an exception outside any API view).
"""

from django.http import JsonResponse
from django.shortcuts import render

from hechuan_portal.api import error_body
from hechuan_portal.common.errors import CommonCode


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body(CommonCode.NOT_FOUND, str(CommonCode.NOT_FOUND.label)), status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(error_body(CommonCode.SERVER_ERROR, str(CommonCode.SERVER_ERROR.label)), status=500)
    return render(request, "errors/500.html", status=500)
