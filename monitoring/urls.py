"""Staff pages of this app, mounted under /manage/monitoring/."""

from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/export.xlsx", views.inspection_export, name="inspection_export"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/record/", views.inspection_record, name="inspection_record"),
    path("inspections/<int:pk>/cancel/", views.inspection_cancel, name="inspection_cancel"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/escalated/", views.finding_escalated, name="finding_escalated"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("due/", views.due_list, name="due_list"),
    path("due/refresh/", views.refresh_risk, name="refresh_risk"),
    path("staff/", views.staff_overview, name="staff_overview"),
    path("staff/facility/<int:pk>/", views.staff_facility, name="staff_facility"),
    path("visits/", views.visit_due, name="visit_due"),
    path("visits/resident/<int:resident_pk>/new/", views.visit_new, name="visit_new"),
    path("visits/rates/", views.visit_rates, name="visit_rates"),
    path("visits/rates/export.xlsx", views.visit_rates_export, name="visit_rates_export"),
]
