from django.urls import path

from .views import IndicatorListView

urlpatterns = [path("overview/indicators/", IndicatorListView.as_view(), name="api-overview-indicators")]
