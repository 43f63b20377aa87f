"""Staff pages of this app, mounted under /manage/residents/."""

from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("quality/", views.quality, name="quality"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/report.csv", views.import_report, name="import_report"),
]
