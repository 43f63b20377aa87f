"""Staff pages of this app, mounted under /manage/childcare/."""

app_name = "childcare"
urlpatterns: list = []
