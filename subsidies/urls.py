"""Staff pages of this app, mounted under /manage/subsidies/."""

from django.urls import path

from . import views

app_name = "subsidies"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("edges/", views.edges, name="edges"),
    path("runs/", views.runs, name="runs"),
    path("policies/", views.policies, name="policies"),
    path("policies/new/", views.policy_edit, name="policy_create"),
    path("policies/<int:pk>/", views.policy_edit, name="policy_edit"),
    path("payroll/", views.payroll, name="payroll"),
    path("payroll/<str:month>/", views.payroll_detail, name="payroll_detail"),
    path("payroll/<str:month>/close/", views.payroll_close, name="payroll_close"),
    path("payroll/<str:month>/export/", views.payroll_export, name="payroll_export"),
    path("overpayments/", views.overpayments, name="overpayments"),
    path("overpayments/export/", views.overpayments_export, name="overpayments_export"),
    path("overpayments/<int:pk>/status/", views.overpayment_status, name="overpayment_status"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/review/", views.person_review, name="person_review"),
    path("people/<int:pk>/decide/", views.person_decide, name="person_decide"),
    path("people/<int:pk>/automatic/", views.person_automatic, name="person_automatic"),
    path("people/<int:pk>/away/<int:away_pk>/move-in/", views.person_move_in, name="person_move_in"),
    path("reviews/", views.reviews, name="reviews"),
    path("simulate/", views.simulate, name="simulate"),
]
