"""API routes of elder care, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("eldercare/assessments", views.AssessmentViewSet, basename="eldercare-assessment")
router.register("eldercare/care-beds", views.CareBedViewSet, basename="eldercare-care-bed")
router.register("eldercare/care-bed-claims", views.CareBedClaimViewSet, basename="eldercare-care-bed-claim")
router.register("eldercare/adaptations", views.AdaptationViewSet, basename="eldercare-adaptation")
router.register("eldercare/placements", views.PlacementViewSet, basename="eldercare-placement")
router.register(
    "eldercare/guaranteed-beds", views.GuaranteedBedsViewSet, basename="eldercare-guaranteed-beds"
)

urlpatterns = [
    path(
        "eldercare/assessments/preview/",
        views.AssessmentPreviewView.as_view(),
        name="eldercare-assessment-preview",
    ),
    *router.urls,
]
