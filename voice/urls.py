from django.urls import path

from voice import views

app_name = "voice"
urlpatterns = [
    path("record/", views.record_choose, name="record_choose"),
    path("pupils/<uuid:pupil_id>/", views.pupil, name="pupil"),
    path("pupils/<uuid:pupil_id>/record/", views.record, name="record"),
    path("pupils/<uuid:pupil_id>/check-ins/", views.plan, name="plan"),
    path("entries/<uuid:entry_id>/", views.entry, name="entry"),
    path("entries/<uuid:entry_id>/amend/", views.amend, name="amend"),
    path("attachments/<uuid:attachment_id>/", views.attachment, name="attachment"),
    path("check-ins/", views.my_check_ins, name="my_check_ins"),
    path("check-ins/school/", views.school_check_ins, name="school_check_ins"),
    path("settings/", views.voice_settings, name="settings"),
]
