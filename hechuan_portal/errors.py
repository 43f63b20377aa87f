"""Error pages: JSON for the API, a page in the site frame for people; never a stack trace.

The API's JSON is the one error body of `hechuan_portal.api` (these answer before DRF: an unknown
/api/ path, and an exception outside any API view). The pages say what happened and where to go: back
to the page the person came from (same site only), the staff home, the public finder.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

from hechuan_portal.api import error_body
from hechuan_portal.common.errors import CommonCode, PortalError


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def _back_url(request) -> str | None:
    """The referring page, when it is ours and is not the refused page itself."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or referer.endswith(request.get_full_path()):
        return None
    allowed = url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure())
    return referer if allowed else None


def _reason(exception) -> str:
    """The refusal's own words: a PortalError's message, or a PermissionDenied raised with a text
    (e.g. who holds the right); a bare PermissionDenied has none."""
    if isinstance(exception, PortalError):
        return exception.detail
    if isinstance(exception, PermissionDenied) and exception.args and isinstance(exception.args[0], str):
        return exception.args[0]
    return ""


def forbidden(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body(CommonCode.NOT_ALLOWED, str(CommonCode.NOT_ALLOWED.label)), status=403)
    context = {"reason": _reason(exception), "back_url": _back_url(request)}
    return render(request, "errors/403.html", context, status=403)


def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body(CommonCode.NOT_FOUND, str(CommonCode.NOT_FOUND.label)), status=404)
    return render(request, "errors/404.html", {"back_url": _back_url(request)}, status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(error_body(CommonCode.SERVER_ERROR, str(CommonCode.SERVER_ERROR.label)), status=500)
    # No context processors, no request context: the database may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render({}))
