from django.urls import path

from ui import views

app_name = "ui"
urlpatterns = [
    path("hide/", views.hidden, name="hidden"),
    path("health/", views.health, name="health"),
]
