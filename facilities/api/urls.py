"""API routes of this app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import FacilityViewSet, facility_collection

router = SimpleRouter()
router.register("facilities", FacilityViewSet, basename="facility")

# The collection URL goes through facility_collection first: anonymous `near` searches are answered
# without DRF's dispatch (see its docstring); the router's own route stays for reverse() and schema.
urlpatterns = [path("facilities/", facility_collection, name="facility-list-fast"), *router.urls]
