from django.urls import path

from factors import views

app_name = "factors"
urlpatterns = [
    path("pupils/<uuid:pupil_id>/", views.pupil, name="pupil"),
    path("<uuid:factor_id>/withdraw/", views.withdraw, name="withdraw"),
]
