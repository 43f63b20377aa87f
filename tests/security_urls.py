"""The site's URLs plus a few views that exist only for the security tests."""

from django.http import HttpResponse
from django.urls import path
from django.views import View
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from hechuan_portal.accounts.reauth import ReauthRequired, ReauthRequiredMixin, reauth_required
from hechuan_portal.urls import handler404, handler500  # noqa: F401
from hechuan_portal.urls import urlpatterns as site_patterns


@reauth_required
def reveal(request):
    return HttpResponse("revealed")


class ExportView(ReauthRequiredMixin, View):
    def get(self, request):
        return HttpResponse("export")


@api_view(["GET"])
@permission_classes([IsAuthenticated, ReauthRequired])
def api_reveal(request):
    return Response({"ok": True})


def boom(request):
    raise RuntimeError("secret detail 42")


urlpatterns = [
    path("t/reveal/", reveal),
    path("t/export/", ExportView.as_view()),
    path("api/t/reveal/", api_reveal),
    path("t/boom/", boom),
    path("api/t/boom/", boom),
    *site_patterns,
]
