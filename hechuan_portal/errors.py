"""Error pages: JSON for the API, a Chinese page for people; never a stack trace."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"code": "not_found", "detail": _("未找到。")}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            {"code": "server_error", "detail": _("服务器内部错误，请稍后重试或联系管理员。")}, status=500
        )
    return render(request, "errors/500.html", status=500)
