from django.urls import path

from patterns import views

app_name = "patterns"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<uuid:finding_id>/", views.detail, name="detail"),
    path("<uuid:finding_id>/escalate/", views.escalate, name="escalate"),
    path("child/<uuid:pupil_id>/", views.pupil_findings, name="pupil"),
    path("settings/", views.settings_list, name="settings"),
    path("settings/<slug:slug>/", views.settings_edit, name="settings_edit"),
]
