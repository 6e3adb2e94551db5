from django.urls import path

from chronology import views

app_name = "chronology"
urlpatterns = [
    path("household/", views.household, name="household"),
    path("household/export.<str:fmt>", views.household_export, name="household_export"),
    path("<uuid:pupil_id>/", views.pupil, name="pupil"),
    path("<uuid:pupil_id>/export.<str:fmt>", views.export, name="export"),
]
