"""Staff pages of elder care, under /manage/eldercare/."""

from django.urls import path

from . import views

app_name = "eldercare"

urlpatterns = [
    path("", views.index, name="index"),
    path("elders/<int:pk>/", views.elder, name="elder"),
    path("assess/", views.assess, name="assess"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/sign/", views.assessment_sign, name="assessment_sign"),
    path("to-assess/", views.to_assess, name="to_assess"),
    path("support/", views.support, name="support"),
    path("ltc-export/", views.ltc_export, name="ltc_export"),
]
