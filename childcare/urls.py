"""Staff pages of this app, mounted under /manage/childcare/."""

from django.urls import path

from . import views

app_name = "childcare"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("classes/", views.class_list, name="class_list"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("enrolments/<int:pk>/withdraw/", views.enrolment_withdraw, name="enrolment_withdraw"),
    path("waitlist/<int:pk>/accept/", views.waitlist_accept, name="waitlist_accept"),
    path("children/", views.child_list, name="child_list"),
    path("children/new/", views.child_create, name="child_create"),
    path("children/<int:pk>/", views.child_detail, name="child_detail"),
    path("checkups/", views.checkup_list, name="checkup_list"),
    path("checkups/<int:pk>/record/", views.checkup_record, name="checkup_record"),
    path("overdue/", views.overdue, name="overdue"),
    path("to-move/", views.to_move, name="to_move"),
    path("vouchers/", views.vouchers, name="vouchers"),
]
