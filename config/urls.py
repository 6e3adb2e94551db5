from django.urls import include, path

# Refused, missing and failed pages in the service's own layout (ui/templates/ui/4xx, 500).
handler403 = "ui.views.error_403"
handler404 = "ui.views.error_404"
handler500 = "ui.views.error_500"

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("ui.urls")),
    path("pupils/", include("pupils.urls")),
    path("voice/", include("voice.urls")),
    path("findings/", include("patterns.urls")),
    path("attendance/", include("attendance.urls")),
    path("concerns/", include("concerns.urls")),
    path("factors/", include("factors.urls")),
    path("casework/", include("casework.urls")),
    path("staffing/", include("staffing.urls")),
    path("learning/", include("learning.urls")),
    path("chronology/", include("chronology.urls")),
    path("transfers/", include("transfer.urls")),
    path("analytics/", include("analytics.urls")),
    path("retention/", include("retention.urls")),
    path("", include("schools.urls")),
]
