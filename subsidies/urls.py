"""Staff pages of this app, mounted under /manage/subsidies/."""

app_name = "subsidies"
urlpatterns: list = []
