from django.urls import path

from analytics import views

app_name = "analytics"
_B = "b/<slug:brand_slug>/analytics/"
urlpatterns = [
    path(_B, views.dashboard, name="dashboard"),
]
urlpatterns += [
    path(f"{_B}reports/", views.reports, name="reports"),
    path(f"{_B}reports/pdf/", views.report_pdf, name="report_pdf"),
    path(f"{_B}reports/csv/", views.report_csv, name="report_csv"),
    path(f"{_B}reports/schedules/", views.schedule_create, name="schedule_create"),
    path(f"{_B}reports/schedules/<id:pk>/delete/", views.schedule_delete, name="schedule_delete"),
    path(f"{_B}reports/links/", views.share_create, name="share_create"),
    path(f"{_B}reports/links/<id:pk>/revoke/", views.share_revoke, name="share_revoke"),
    # Public: the signed token is the credential (a manager shares it with people without an account).
    path("reports/shared/<str:token>/", views.shared_report, name="shared_report"),
]
