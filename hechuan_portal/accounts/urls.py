from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("reauth/", views.ReauthView.as_view(), name="reauth"),
    path("reauth/download-status/", views.download_status, name="download_status"),
    path("exports/<str:job>/", views.export_job, name="export_job"),
    path("exports/<str:job>/file/", views.export_file, name="export_file"),
    path("otp/", views.OtpSetupView.as_view(), name="otp_setup"),
]
