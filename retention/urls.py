from django.urls import path

from retention import views

app_name = "retention"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("period/", views.policy, name="policy"),
    path("pupils/<uuid:pupil_id>/", views.pupil, name="pupil"),
]
