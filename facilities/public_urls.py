"""The residents' service finder at /."""

from django.urls import path

from . import public_views

app_name = "finder"
urlpatterns = [
    path("", public_views.finder_home, name="home"),
]
