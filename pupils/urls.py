from django.urls import path

from pupils import views

app_name = "pupils"
urlpatterns = [
    path("", views.search, name="search"),
    path("<uuid:pupil_id>/", views.detail, name="detail"),
]
