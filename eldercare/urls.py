"""Staff pages of elder care, under /manage/eldercare/."""

from django.urls import path

from . import support_views, views

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
    path("beds/", support_views.bed_list, name="bed_list"),
    path("beds/new/", support_views.application_new, {"kind": "bed"}, name="bed_new"),
    path("beds/<int:pk>/", support_views.bed_detail, name="bed_detail"),
    path("beds/photos/<int:pk>/", support_views.bed_photo, name="bed_photo"),
    path("bed-claims/", support_views.bed_claims, name="bed_claims"),
    path("bed-claims/<int:pk>/", support_views.bed_claim_action, name="bed_claim_action"),
    path("adaptations/", support_views.adaptation_list, name="adaptation_list"),
    path("adaptations/new/", support_views.application_new, {"kind": "adaptation"}, name="adaptation_new"),
    path("adaptations/<int:pk>/", support_views.adaptation_detail, name="adaptation_detail"),
    path("adaptations/photos/<int:pk>/", support_views.adaptation_photo, name="adaptation_photo"),
    path("placements/", support_views.placement_list, name="placement_list"),
    path("placements/new/", support_views.placement_new, name="placement_new"),
    path("placements/<int:pk>/end/", support_views.placement_end, name="placement_end"),
]
