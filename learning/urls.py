from django.urls import path

from learning import views

app_name = "learning"
urlpatterns = [
    path("supervision/", views.supervision_list, name="supervision"),
    path("supervision/record/", views.supervision_record, name="supervision_record"),
    path("supervision/<uuid:session_id>/", views.supervision_detail, name="supervision_detail"),
    path("reflective-reviews/", views.reflective_reviews, name="reflective_reviews"),
    path(
        "reflective-reviews/record/",
        views.reflective_review_record,
        name="reflective_review_record",
    ),
    path("practice-reviews/", views.library, name="library"),
    path("practice-reviews/add/", views.practice_review_record, name="practice_review_record"),
    path("practice-reviews/import/", views.practice_reviews_import, name="practice_reviews_import"),
    path("went-well/", views.went_well, name="went_well"),
    path("went-well/plan/<uuid:plan_id>/", views.went_well_plan, name="went_well_plan"),
    path("went-well/concern/<uuid:concern_id>/", views.went_well_concern, name="went_well_concern"),
]
