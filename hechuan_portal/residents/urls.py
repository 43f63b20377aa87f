"""Staff pages of this app, mounted under /manage/residents/."""

app_name = "residents"
urlpatterns: list = []
