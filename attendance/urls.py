from django.urls import path

from attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.cohort, name="cohort"),
    path("summary/", views.summary, name="summary"),
    path("import/", views.upload, name="upload"),
    path("codes/", views.mappings, name="mappings"),
    path("pupils/<uuid:pupil_id>/", views.pupil, name="pupil"),
]
