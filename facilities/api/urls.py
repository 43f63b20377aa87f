"""API routes of this app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .views import FacilityViewSet

router = SimpleRouter()
router.register("facilities", FacilityViewSet, basename="facility")

urlpatterns = router.urls
