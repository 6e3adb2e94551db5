from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.school_dashboard, name="school"),
    path("trust/", views.trust_dashboard, name="trust"),
    path("export/<slug:table>.csv", views.export_table, name="export"),
    path("report.pdf", views.governors_report, name="report"),
    path("actions/", views.governor_actions, name="actions"),
]
