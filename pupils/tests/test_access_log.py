"""The child's access log: who looked, when. Opening it is itself logged."""

from audit.models import AuditAction, AuditEvent


def test_dsl_sees_who_viewed_the_record(client_for, dsl, headteacher, pupil):
    client_for(headteacher).get(f"/pupils/{pupil.pk}/")
    response = client_for(dsl).get(f"/pupils/{pupil.pk}/access-log/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "head@oakfield.example" in page
    assert "Child&#x27;s record viewed" in page
    views = AuditEvent.objects.filter(pupil_id=pupil.pk, action=AuditAction.PUPIL_VIEWED)
    assert views.count() == 1
    assert AuditEvent.objects.filter(
        pupil_id=pupil.pk, action=AuditAction.ACCESS_LOG_VIEWED, actor=dsl.user
    ).exists()


def test_other_school_dsl_gets_404_and_nothing_is_logged(client_for, other_school_dsl, pupil):
    response = client_for(other_school_dsl).get(f"/pupils/{pupil.pk}/access-log/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(pupil_id=pupil.pk).exists()


def test_viewing_a_pupil_records_ip_and_user_agent(client_for, dsl, pupil):
    client_for(dsl).get(f"/pupils/{pupil.pk}/", HTTP_USER_AGENT="TestBrowser/1.0")
    event = AuditEvent.objects.get(pupil_id=pupil.pk)
    assert event.user_agent == "TestBrowser/1.0"
    assert event.ip_address == "127.0.0.1"
    assert event.target_id == str(pupil.pk)
