"""API routes of this app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import FacilityViewSet, facility_near

router = SimpleRouter()
router.register("facilities", FacilityViewSet, basename="facility")

# Before the router: its detail route would take "near" for a primary key.
urlpatterns = [path("facilities/near/", facility_near, name="facility-near"), *router.urls]
