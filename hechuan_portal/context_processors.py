from django.conf import settings


def portal(request):
    """Values every page template needs: the basemap choice and the large-type preference."""
    return {
        "TIANDITU_ENABLED": bool(settings.TIANDITU_KEY),
        "large_type": request.COOKIES.get("large_type") == "1",
    }
