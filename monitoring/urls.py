"""Staff pages of this app, mounted under /manage/monitoring/."""

app_name = "monitoring"
urlpatterns: list = []
