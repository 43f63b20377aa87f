"""Staff pages for facilities, mounted under /manage/facilities/."""

app_name = "facilities"
urlpatterns: list = []
