"""Sign-in: password, second factor, lock-out, idle sign-out, the two-factor gate."""

import datetime

import pyotp
import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.middleware import SESSION_TWO_FACTOR_OK
from accounts.models import RecoveryCode, SignInFailure, TOTPDevice
from accounts.services import recovery_codes_issue
from audit.models import AuditAction, AuditEvent

PASSWORD = "a-long-test-password"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


@pytest.fixture
def dsl_with_totp(dsl):
    TOTPDevice.objects.create(
        user=dsl.user,
        secret=SECRET,
        confirmed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    return dsl


def _password_step(client: Client, email: str, password: str = PASSWORD):
    return client.post("/sign-in/", {"email": email, "password": password})


def test_password_then_code_signs_in(dsl_with_totp):
    client = Client()
    response = _password_step(client, "DSL@oakfield.example")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/two-factor/"
    # Not signed in yet: home sends them to sign in.
    assert client.get("/").status_code == 302
    response = client.post("/sign-in/two-factor/", {"code": pyotp.TOTP(SECRET).now()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.session[SESSION_TWO_FACTOR_OK] is True
    assert AuditEvent.objects.filter(
        action=AuditAction.SIGNED_IN, actor=dsl_with_totp.user
    ).exists()


def test_wrong_password_is_refused_and_counted(dsl):
    response = _password_step(Client(), "dsl@oakfield.example", "wrong")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    assert SignInFailure.objects.filter(email="dsl@oakfield.example", stage="password").count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 1


def test_a_code_cannot_be_used_twice(dsl_with_totp):
    code = pyotp.TOTP(SECRET).now()
    first = Client()
    _password_step(first, "dsl@oakfield.example")
    assert first.post("/sign-in/two-factor/", {"code": code}).status_code == 302
    second = Client()
    _password_step(second, "dsl@oakfield.example")
    response = second.post("/sign-in/two-factor/", {"code": code})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()


def test_recovery_code_works_once(dsl_with_totp, rf):
    codes = recovery_codes_issue(request=rf.get("/"), user=dsl_with_totp.user)
    client = Client()
    _password_step(client, "dsl@oakfield.example")
    assert client.post("/sign-in/two-factor/", {"code": codes[0]}).status_code == 302
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 1
    again = Client()
    _password_step(again, "dsl@oakfield.example")
    assert again.post("/sign-in/two-factor/", {"code": codes[0]}).status_code == 200


def test_lock_out_after_repeated_failures_then_release(dsl, settings):
    settings.CAIRN_SIGN_IN_MAX_FAILURES = 3
    settings.CAIRN_SIGN_IN_LOCKOUT_MINUTES = 15
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        for _ in range(3):
            _password_step(Client(), "dsl@oakfield.example", "wrong")
        # Even the right password is refused while locked.
        response = _password_step(Client(), "dsl@oakfield.example")
        assert response.status_code == 200
        assert "signing in is paused until 09:15" in response.content.decode()
        assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_LOCKED).exists()
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 16, tzinfo=datetime.UTC), tick=False):
        assert _password_step(Client(), "dsl@oakfield.example").status_code == 302


def test_two_factor_codes_count_towards_lock_out(dsl_with_totp, settings):
    settings.CAIRN_SIGN_IN_MAX_FAILURES = 2
    client = Client()
    _password_step(client, "dsl@oakfield.example")
    client.post("/sign-in/two-factor/", {"code": "000000"})
    client.post("/sign-in/two-factor/", {"code": "000001"})
    response = client.post("/sign-in/two-factor/", {"code": pyotp.TOTP(SECRET).now()})
    assert "signing in is paused" in response.content.decode()


def test_child_record_roles_must_enrol_before_anything_else(teacher):
    client = Client()
    assert _password_step(client, "teacher@oakfield.example").status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/set-up/"
    page = client.get("/account/two-factor/set-up/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.content.decode()
    secret = client.session["cairn_enrol_secret"]
    wrong = client.post("/account/two-factor/set-up/", {"code": "123456"})
    assert "The code is not right" in wrong.content.decode()
    done = client.post("/account/two-factor/set-up/", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert "Save your recovery codes" in done.content.decode()
    assert RecoveryCode.objects.filter(user=teacher.user).count() == 10
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=teacher.user).confirmed_at is not None


def test_the_attendance_lead_reads_child_records_so_must_enrol(attendance_lead):
    client = Client()
    assert _password_step(client, "attendance@oakfield.example").status_code == 302
    response = client.get("/attendance/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/set-up/"


def test_governor_needs_no_second_factor(governor):
    client = Client()
    _password_step(client, "governor@oakfield.example")
    assert client.get("/").status_code == 200


def test_idle_session_is_signed_out(client_for, dsl, settings):
    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 30
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client = client_for(dsl)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=60), tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
        assert AuditEvent.objects.filter(action=AuditAction.SESSION_TIMED_OUT).exists()
        assert client.get("/").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(client_for, dsl, settings):
    """A page view within a minute of the last write leaves the session row alone (no write on
    every request), and activity still keeps a person signed in past the idle limit."""
    from django.contrib.sessions.models import Session

    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 30
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client = client_for(dsl)
        assert client.get("/").status_code == 200
    key = client.session.session_key
    written = Session.objects.get(pk=key).session_data
    with (
        time_machine.travel(start + datetime.timedelta(seconds=30), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        assert client.get("/").status_code == 200
    assert not [
        q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]
    ]
    assert Session.objects.get(pk=key).session_data == written
    for minutes in (20, 40, 60, 80):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get("/").status_code == 200
    assert Session.objects.get(pk=key).session_data != written
    with time_machine.travel(start + datetime.timedelta(minutes=111), tick=False):
        assert client.get("/").status_code == 302


def test_school_idle_limit_overrides_the_default(client_for, dsl, settings):
    dsl.school.idle_timeout_minutes = 10
    dsl.school.save()
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client = client_for(dsl)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=11), tick=False):
        assert client.get("/").status_code == 302


def test_sign_out_needs_post_and_ends_the_session(client_for, dsl):
    client = client_for(dsl)
    assert client.get("/sign-out/").status_code == 405
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGNED_OUT).exists()


def test_password_reset_email_has_a_working_link(dsl):
    client = Client()
    response = client.post("/password-reset/", {"email": "dsl@oakfield.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/password-reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "another-long-passphrase-2026",
            "new_password2": "another-long-passphrase-2026",
        },
    )
    assert done.status_code == 302
    assert (
        _password_step(Client(), "dsl@oakfield.example", "another-long-passphrase-2026").status_code
        == 302
    )
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists()


def test_unknown_email_for_reset_says_the_same_and_sends_nothing(db):
    response = Client().post("/password-reset/", {"email": "nobody@nowhere.example"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_passwords_are_hashed_with_argon2(settings, django_user_model):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = django_user_model.objects.create_user(
        email="argon@oakfield.example", password="x" * 20, full_name="Argon Person"
    )
    assert identify_hasher(user.password).algorithm == "argon2"
