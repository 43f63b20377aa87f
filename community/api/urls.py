"""API routes of the community app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("community/policies", views.MealPolicyViewSet, basename="community-policy")
router.register("community/donations", views.DonationViewSet, basename="community-donation")
router.register("community/claims", views.MealClaimViewSet, basename="community-claim")
router.register("community/care-records", views.CareRecordViewSet, basename="community-care-record")
router.register("community/volunteers", views.VolunteerViewSet, basename="community-volunteer")
router.register(
    "community/volunteer-services", views.VolunteerServiceViewSet, basename="community-volunteer-service"
)

urlpatterns = router.urls
