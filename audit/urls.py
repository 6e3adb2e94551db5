from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("pupils/<uuid:pupil_id>/access-log/", views.pupil_access_log, name="pupil_access_log"),
]
