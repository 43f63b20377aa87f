from django.urls import path

from . import views

app_name = "overview"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/<int:pk>/download/", views.report_download, name="report-download"),
    path("refresh/", views.refresh, name="refresh"),
    path("<slug:code>/", views.indicator_detail, name="indicator"),
    path("<slug:code>/<str:town>/", views.town_detail, name="town"),
]
