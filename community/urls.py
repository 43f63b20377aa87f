from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("meals/import/", views.meal_import, name="meal_import"),
    path("meals/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("meals/new/", views.meal_new, name="meal_new"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("rolls/<str:month>/", views.roll_detail, name="roll_detail"),
    path("rolls/<str:month>/bank-file/", views.roll_bank_file, name="roll_bank_file"),
    path("care/", views.care_list, name="care_list"),
    path("care/new/", views.care_new, name="care_new"),
    path("care/photos/<int:pk>/", views.care_photo, name="care_photo"),
    path("care/plans/new/", views.care_plan_new, name="care_plan_new"),
    path("care/<int:pk>/callback/", views.care_callback, name="care_callback"),
    path("policies/", views.policy_list, name="policy_list"),
    path("donations/", views.donation_list, name="donation_list"),
    path("time-bank/", views.volunteer_list, name="volunteer_list"),
    path("time-bank/register/", views.volunteer_register, name="volunteer_register"),
    path("time-bank/services/", views.service_list, name="service_list"),
    path("time-bank/services/<int:pk>/confirm/", views.service_confirm, name="service_confirm"),
    path("time-bank/<int:pk>/", views.volunteer_statement, name="volunteer_statement"),
    path("time-bank/<int:pk>/hours/", views.volunteer_hours, name="volunteer_hours"),
]
