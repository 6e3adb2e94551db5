from django.urls import path

from casework import views

app_name = "casework"
urlpatterns = [
    path("pupils/<uuid:pupil_id>/", views.pupil, name="pupil"),
    path("pupils/<uuid:pupil_id>/contacts/add/", views.contact_add, name="contact_add"),
    path("contacts/<uuid:contact_id>/answer/", views.response_add, name="response_add"),
    path("pupils/<uuid:pupil_id>/plans/add/", views.plan_add, name="plan_add"),
    path("plans/<uuid:plan_id>/end/", views.plan_end, name="plan_end"),
    path("pupils/<uuid:pupil_id>/meetings/add/", views.meeting_add, name="meeting_add"),
    path("reports/<uuid:report_id>/", views.report, name="report"),
    path("answers/<uuid:response_id>/escalate/", views.escalate, name="escalate"),
    path("stages/<uuid:stage_id>/outcome/", views.stage_outcome, name="stage_outcome"),
    path("escalation-stages/", views.stage_settings, name="stage_settings"),
    path("pupils/<uuid:pupil_id>/leaving/", views.leaving, name="leaving"),
    path("pupils/<uuid:pupil_id>/absences/add/", views.absence_add, name="absence_add"),
    path("absences/<uuid:absence_id>/returned/", views.absence_return, name="absence_return"),
    path(
        "pupils/<uuid:pupil_id>/household-children/add/",
        views.household_child_add,
        name="household_child_add",
    ),
    path("household-children/<uuid:child_id>/seen/", views.sighting_add, name="sighting_add"),
    path("pupils/<uuid:pupil_id>/engagement/add/", views.engagement_add, name="engagement_add"),
    path("pupils/<uuid:pupil_id>/notes/add/", views.note_add, name="note_add"),
]
