"""API routes of this app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .views import MatchRunViewSet, PayrollPeriodViewSet

router = SimpleRouter()
router.register("subsidies/runs", MatchRunViewSet, basename="subsidies-run")
router.register("subsidies/payroll-periods", PayrollPeriodViewSet, basename="subsidies-payroll-period")
urlpatterns = router.urls
