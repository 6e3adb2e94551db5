from django.urls import path

from schools import views

app_name = "schools"
urlpatterns = [
    path("", views.home, name="home"),
    path("choose-role/", views.choose_role, name="choose_role"),
    path("staff/", views.staff, name="staff"),
    path("staff/invite/", views.invite, name="invite"),
    path(
        "staff/invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("staff/<uuid:membership_id>/", views.membership_edit, name="membership_edit"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("school/settings/", views.school_settings, name="settings"),
]
