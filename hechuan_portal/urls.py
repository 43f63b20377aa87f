from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from overview.views import manage_home

from .accounts.views import audit_search
from .health import healthz

admin.site.site_header = _("合川区“一老一幼”服务管理平台")
admin.site.site_title = _("一老一幼平台管理")

manage_patterns = [
    path("", manage_home, name="home"),
    path("audit/", audit_search, name="audit"),
]

urlpatterns = [
    path("", include("facilities.public_urls")),
    path("healthz", healthz, name="healthz"),
    # Early: URLs are tried in order, and the residents' `near` search is the hot path (no pattern
    # below overlaps these).
    path("api/v1/", include("hechuan_portal.api_urls")),
    path("accounts/", include("hechuan_portal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("manage/", include((manage_patterns, "manage"))),
    path("manage/facilities/", include("facilities.urls")),
    path("manage/residents/", include("hechuan_portal.residents.urls")),
    path("manage/subsidies/", include("subsidies.urls")),
    path("manage/childcare/", include("childcare.urls")),
    path("manage/monitoring/", include("monitoring.urls")),
    path("manage/eldercare/", include("eldercare.urls")),
    path("manage/overview/", include("overview.urls")),
    path("manage/community/", include("community.urls")),
    # The admin signs in through the portal's login (lockout, second factor), never its own form.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin-login-redirect",
    ),
    path("admin/", admin.site.urls),
]

handler403 = "hechuan_portal.errors.forbidden"
handler404 = "hechuan_portal.errors.not_found"
handler500 = "hechuan_portal.errors.server_error"
