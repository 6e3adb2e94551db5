from django.urls import path

from pupils import views

app_name = "pupils"
urlpatterns = [
    path("", views.search, name="search"),
    path("reason/", views.list_reason, name="list_reason"),
    path("<uuid:pupil_id>/", views.detail, name="detail"),
    path("<uuid:pupil_id>/reason/", views.access_reason, name="access_reason"),
    path("<uuid:pupil_id>/access-log/", views.access_log, name="access_log"),
    path("households/<uuid:household_id>/", views.household, name="household"),
    path("household-links/", views.suggestions, name="suggestions"),
    path(
        "household-links/<uuid:suggestion_id>/", views.suggestion_decide, name="suggestion_decide"
    ),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<uuid:batch_id>/", views.import_preview, name="import_preview"),
    path("import/<uuid:batch_id>/import/", views.import_commit, name="import_commit"),
]
