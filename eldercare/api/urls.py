"""API routes of elder care, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("eldercare/assessments", views.AssessmentViewSet, basename="eldercare-assessment")

urlpatterns = [
    path(
        "eldercare/assessments/preview/",
        views.AssessmentPreviewView.as_view(),
        name="eldercare-assessment-preview",
    ),
    *router.urls,
]
