"""API routes of this app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("childcare/classes", views.ClassViewSet, basename="childcare-class")
router.register("childcare/children", views.ChildViewSet, basename="childcare-child")
router.register("childcare/enrolments", views.EnrolmentViewSet, basename="childcare-enrolment")
router.register("childcare/waitlist", views.WaitlistViewSet, basename="childcare-waitlist")
router.register("childcare/checkups", views.CheckupViewSet, basename="childcare-checkup")
router.register("childcare/follow-ups", views.FollowUpViewSet, basename="childcare-followup")

urlpatterns = [
    path("childcare/vouchers/redeem/", views.VoucherRedeemView.as_view(), name="childcare-voucher-redeem"),
    path("childcare/stats/places/", views.PlacesStatsView.as_view(), name="childcare-places-stats"),
    *router.urls,
]
