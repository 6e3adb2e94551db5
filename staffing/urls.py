from django.urls import path

from staffing import views

app_name = "staffing"
urlpatterns = [
    path("training/", views.register, name="register"),
    path("training/mine/", views.mine, name="mine"),
    path("training/record/", views.record, name="record"),
    path("training/import/", views.import_training, name="import"),
    path("training/people/<uuid:membership_id>/", views.person, name="person"),
    path("training/evidence/<uuid:record_id>/", views.evidence, name="evidence"),
    path("low-level-concerns/", views.low_level_register, name="low_level_register"),
    path("low-level-concerns/record/", views.low_level_record, name="low_level_record"),
    path("low-level-concerns/readers/", views.low_level_policy, name="low_level_policy"),
    path("low-level-concerns/<uuid:adult_id>/", views.low_level_adult, name="low_level_adult"),
    path(
        "low-level-concerns/<uuid:adult_id>/left/",
        views.low_level_adult_left,
        name="low_level_adult_left",
    ),
]
