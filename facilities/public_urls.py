"""The residents' service finder at /."""

from django.urls import path

from . import public_views

app_name = "finder"
urlpatterns = [
    path("", public_views.finder_home, name="home"),
    path("f/<int:pk>/", public_views.facility_public, name="facility"),
]
