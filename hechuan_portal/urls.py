from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .health import healthz

admin.site.site_header = _("合川区“一老一幼”服务管理平台")
admin.site.site_title = _("一老一幼平台管理")

manage_patterns = [
    path("", views.manage_home, name="home"),
]

urlpatterns = [
    path("", include("facilities.public_urls")),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("hechuan_portal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("manage/", include((manage_patterns, "manage"))),
    path("manage/facilities/", include("facilities.urls")),
    path("manage/residents/", include("hechuan_portal.residents.urls")),
    path("manage/subsidies/", include("subsidies.urls")),
    path("manage/childcare/", include("childcare.urls")),
    path("manage/monitoring/", include("monitoring.urls")),
    path("manage/overview/", include("hechuan_portal.overview.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("hechuan_portal.api_urls")),
]

handler404 = "hechuan_portal.errors.not_found"
handler500 = "hechuan_portal.errors.server_error"
