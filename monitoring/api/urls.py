"""API routes of this app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .views import ChecklistTemplateViewSet, FindingViewSet, InspectionViewSet, PlanViewSet, VisitViewSet

router = SimpleRouter()
router.register("monitoring/templates", ChecklistTemplateViewSet, basename="monitoring-template")
router.register("monitoring/plans", PlanViewSet, basename="monitoring-plan")
router.register("monitoring/inspections", InspectionViewSet, basename="monitoring-inspection")
router.register("monitoring/findings", FindingViewSet, basename="monitoring-finding")
router.register("monitoring/visits", VisitViewSet, basename="monitoring-visit")

urlpatterns = router.urls
