from django.urls import include, path

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("ui.urls")),
    path("audit/", include("audit.urls")),
    path("pupils/", include("pupils.urls")),
    path("voice/", include("voice.urls")),
    path("findings/", include("patterns.urls")),
    path("attendance/", include("attendance.urls")),
    path("concerns/", include("concerns.urls")),
    path("factors/", include("factors.urls")),
    path("casework/", include("casework.urls")),
    path("chronology/", include("chronology.urls")),
    path("analytics/", include("analytics.urls")),
    path("", include("schools.urls")),
]
