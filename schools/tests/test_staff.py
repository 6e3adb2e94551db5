"""Staff invitations, role changes and school settings, by the school administrator."""

import re

from django.core import mail
from django.test import Client

from audit.models import AuditAction, AuditEvent
from schools.models import Invitation, Membership, Role


def test_invitation_is_emailed_and_accepted(
    client_for, school_admin, django_capture_on_commit_callbacks
):
    admin = client_for(school_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/staff/invite/",
            {"full_name": "Pat Newcomer", "email": "Pat@Oakfield.example", "role": "staff"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "pat@oakfield.example"
    assert len(mail.outbox) == 1
    assert "Oakfield Primary" in mail.outbox[0].subject
    token = re.search(r"/invitation/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert token not in invitation.token_hash  # only the hash is stored

    visitor = Client()
    page = visitor.get(f"/invitation/{token}/")
    assert page.status_code == 200
    short = visitor.post(f"/invitation/{token}/", {"password1": "short", "password2": "short"})
    assert "too short" in short.content.decode()
    done = visitor.post(
        f"/invitation/{token}/",
        {"password1": "a-long-new-passphrase", "password2": "a-long-new-passphrase"},
    )
    assert done.status_code == 302
    membership = Membership.objects.get(user__email="pat@oakfield.example")
    assert membership.role == Role.STAFF
    assert membership.school == school_admin.school
    # The link works once.
    assert visitor.get(f"/invitation/{token}/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_ACCEPTED).count() == 1


def test_cannot_invite_someone_already_in_that_role(client_for, school_admin, teacher):
    response = client_for(school_admin).post(
        "/staff/invite/",
        {"full_name": "Teacher", "email": "teacher@oakfield.example", "role": "staff"},
    )
    assert response.status_code == 200
    assert "already has that role" in response.content.decode()


def test_revoked_invitation_cannot_be_used(
    client_for, school_admin, django_capture_on_commit_callbacks
):
    admin = client_for(school_admin)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            "/staff/invite/",
            {"full_name": "A B", "email": "ab@oakfield.example", "role": "governor"},
        )
    invitation = Invitation.objects.get()
    token = re.search(r"/invitation/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert admin.post(f"/staff/invitations/{invitation.pk}/revoke/").status_code == 302
    assert Client().get(f"/invitation/{token}/").status_code == 404


def test_role_change_keeps_history(client_for, school_admin, teacher):
    admin = client_for(school_admin)
    response = admin.post(f"/staff/{teacher.pk}/", {"action": "change", "role": Role.DEPUTY_DSL})
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.is_active is False
    assert teacher.ended_at is not None
    assert Membership.objects.get(user=teacher.user, is_active=True).role == Role.DEPUTY_DSL
    event = AuditEvent.objects.get(action=AuditAction.MEMBERSHIP_ROLE_CHANGED)
    assert event.details["from"] == "staff"
    assert event.details["to"] == "deputy_dsl"


def test_ending_a_role(client_for, school_admin, teacher):
    client_for(school_admin).post(f"/staff/{teacher.pk}/", {"action": "end"})
    teacher.refresh_from_db()
    assert teacher.is_active is False
    # The former member of staff can no longer act at the school.
    assert client_for(teacher).get("/").status_code == 302


def test_admin_cannot_change_own_role(client_for, school_admin):
    response = client_for(school_admin).get(f"/staff/{school_admin.pk}/")
    assert response.status_code == 200
    response = client_for(school_admin).post(
        f"/staff/{school_admin.pk}/", {"action": "change", "role": "dsl"}
    )
    assert "cannot change your own role" in response.content.decode()


def test_other_school_admin_gets_404_for_our_staff(client_for, teacher, unrelated_school):
    from schools.tests.factories import MembershipFactory

    their_admin = MembershipFactory(school=unrelated_school, role=Role.SCHOOL_ADMIN)
    assert client_for(their_admin).get(f"/staff/{teacher.pk}/").status_code == 404


def test_school_settings_change_is_audited(client_for, school_admin):
    admin = client_for(school_admin)
    bad = admin.post("/school/settings/", {"idle_timeout_minutes": "2"})
    assert "greater than or equal to 5" in bad.content.decode()
    assert admin.post("/school/settings/", {"idle_timeout_minutes": "20"}).status_code == 302
    school_admin.school.refresh_from_db()
    assert school_admin.school.idle_timeout_minutes == 20
    event = AuditEvent.objects.get(action=AuditAction.SCHOOL_SETTINGS_CHANGED)
    assert event.details == {"idle_timeout_minutes": {"from": None, "to": 20}}


def test_someone_with_two_roles_chooses_one(dsl, other_school):
    from conftest import signed_in_client
    from schools.tests.factories import MembershipFactory

    governor_elsewhere = MembershipFactory(user=dsl.user, school=other_school, role=Role.GOVERNOR)
    client = signed_in_client(dsl)
    session = client.session
    del session["cairn_membership"]
    session.save()
    assert client.get("/")["Location"] == "/choose-role/"
    page = client.get("/choose-role/").content.decode()
    assert "Governor, Oakfield Secondary" in page
    assert (
        client.post("/choose-role/", {"membership": str(governor_elsewhere.pk)}).status_code == 302
    )
    home = client.get("/").content.decode()
    assert "Governor, Oakfield Secondary" in home
    assert "Find a pupil" not in home


def test_home_page_per_role(client_for, governor, school_admin, trust_lead, teacher):
    assert "fewer than 5" in client_for(governor).get("/").content.decode()
    assert "Staff and roles" in client_for(school_admin).get("/").content.decode()
    lead_home = client_for(trust_lead).get("/").content.decode()
    assert "has not allowed trust leads" in lead_home
