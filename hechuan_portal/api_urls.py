"""/api/v1/: every app's API routes, the token endpoint and the OpenAPI schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from hechuan_portal.accounts.api.views import MeView, TokenDetailView, TokenListView, TokenView
from hechuan_portal.areas.api.views import AdminAreaViewSet

router = DefaultRouter()
router.register("areas", AdminAreaViewSet, basename="area")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("auth/me/", MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, so the CSP needs no inline scripts.
    path("schema/swagger/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-swagger"),
    path("", include("facilities.api.urls")),
    path("", include("subsidies.api.urls")),
    path("", include("childcare.api.urls")),
    path("", include("monitoring.api.urls")),
    path("", include("eldercare.api.urls")),
    path("", include("community.api.urls")),
    path("", include("overview.api.urls")),
    path("", include(router.urls)),
]
