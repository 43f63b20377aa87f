"""Staff pages for facilities, mounted under /manage/facilities/."""

from django.urls import path

from . import views

app_name = "facilities"
urlpatterns = [
    path("", views.facility_list, name="list"),
    path("new/", views.facility_create, name="create"),
    path("export/", views.facility_export, name="export"),
    path("import/", views.facility_import, name="import"),
    path("import/<str:job>/", views.facility_import_job, name="import_job"),
    path("import/<str:job>/discard/", views.facility_import_discard, name="import_discard"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/refresh/", views.coverage_refresh, name="coverage_refresh"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/edit/", views.facility_edit, name="edit"),
    path("<int:pk>/status/", views.facility_status, name="status"),
    path("<int:pk>/capacity/", views.facility_capacity, name="capacity"),
]
