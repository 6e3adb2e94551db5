"""Issue 14, items 2 and 5: lock-out that no one can use against a school, the client's own
address behind a proxy, and `next` that only leads back into Cairn."""

import datetime

import pyotp
import pytest
import time_machine
from django.test import Client, RequestFactory

from accounts.models import SignInFailure, TOTPDevice
from accounts.services import lock_state
from audit.models import AuditAction, AuditEvent
from audit.services import client_address

PASSWORD = "a-long-test-password"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"
PROXY = "10.0.0.1"
NINE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _attempt(email: str, password: str, *, client_ip: str | None = None, via_proxy=True):
    meta = {"REMOTE_ADDR": PROXY if via_proxy else (client_ip or "127.0.0.1")}
    if via_proxy and client_ip:
        # As nginx's $proxy_add_x_forwarded_for writes it: whatever the client sent, then the
        # address the proxy saw.
        meta["HTTP_X_FORWARDED_FOR"] = f"198.18.0.99, {client_ip}"
    return Client(**meta).post("/sign-in/", {"email": email, "password": password})


# The client address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", PROXY),  # no proxy configured: the header is the client's own words
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # the client wrote 1.2.3.4; ignored
        (2, "1.2.3.4, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", PROXY),  # fewer entries than proxies: did not come through them
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "", PROXY),
    ],
)
def test_the_client_address_is_read_through_the_trusted_proxies(
    settings, proxies, forwarded, expected
):
    settings.CAIRN_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_audit_events_carry_the_real_client_address_behind_a_proxy(dsl, settings):
    settings.CAIRN_TRUSTED_PROXY_COUNT = 1
    _attempt("dsl@oakfield.example", "wrong", client_ip="203.0.113.5")
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert event.ip_address == "203.0.113.5"
    assert SignInFailure.objects.get().ip_address == "203.0.113.5"


# Lock-out that cannot be turned against a school


def test_twenty_failures_through_the_proxy_do_not_lock_out_the_school(db, dsl, teacher, settings):
    # Before the fix: the proxy's address was everyone's, and twenty failures (four times the
    # per-account limit) from it refused every account.
    settings.CAIRN_TRUSTED_PROXY_COUNT = 1
    with time_machine.travel(NINE, tick=False):
        for n in range(25):
            _attempt(f"guess{n}@oakfield.example", "wrong", client_ip="203.0.113.5")
        response = _attempt("teacher@oakfield.example", PASSWORD, client_ip="198.51.100.7")
    assert response.status_code == 302


def test_twenty_failures_from_a_shared_address_do_not_lock_out_other_accounts(
    db, teacher, settings
):
    # Without a proxy, a staffroom's one public address: someone mistyping on several accounts
    # must not stop the rest of the staff.
    with time_machine.travel(NINE, tick=False):
        for n in range(20):
            _attempt(
                f"guess{n}@oakfield.example", "wrong", client_ip="203.0.113.5", via_proxy=False
            )
        response = _attempt(
            "teacher@oakfield.example", PASSWORD, client_ip="203.0.113.5", via_proxy=False
        )
    assert response.status_code == 302


def test_one_address_is_paused_after_its_own_limit_and_only_that_address(db, teacher, settings):
    settings.CAIRN_TRUSTED_PROXY_COUNT = 1
    settings.CAIRN_SIGN_IN_MAX_FAILURES_PER_ADDRESS = 10
    with time_machine.travel(NINE, tick=False):
        for n in range(10):
            _attempt(f"guess{n}@oakfield.example", "wrong", client_ip="203.0.113.5")
        refused = _attempt("teacher@oakfield.example", PASSWORD, client_ip="203.0.113.5")
        allowed = _attempt("teacher@oakfield.example", PASSWORD, client_ip="198.51.100.7")
    assert refused.status_code == 200
    assert "signing in is paused until 09:15" in refused.content.decode()
    assert allowed.status_code == 302


def test_an_accounts_pause_doubles_with_each_further_failure(dsl, settings):
    settings.CAIRN_SIGN_IN_MAX_FAILURES = 3
    settings.CAIRN_SIGN_IN_LOCKOUT_MINUTES = 15
    email = "dsl@oakfield.example"
    with time_machine.travel(NINE, tick=False):
        for _ in range(3):
            _attempt(email, "wrong", client_ip="203.0.113.5")
        assert lock_state(email=email, ip_address=None).until == NINE + datetime.timedelta(
            minutes=15
        )
    with time_machine.travel(NINE + datetime.timedelta(minutes=16), tick=False):
        _attempt(email, "wrong", client_ip="203.0.113.6")  # from another address: still counts
        state = lock_state(email=email, ip_address=None)
        assert state.locked
        assert state.until == NINE + datetime.timedelta(minutes=16 + 30)
    with time_machine.travel(NINE + datetime.timedelta(minutes=47), tick=False):
        _attempt(email, "wrong", client_ip="203.0.113.6")
        assert lock_state(email=email, ip_address=None).until == NINE + datetime.timedelta(
            minutes=47 + 60
        )


def test_the_pause_never_exceeds_the_longest(dsl, settings):
    settings.CAIRN_SIGN_IN_MAX_FAILURES = 2
    settings.CAIRN_SIGN_IN_MAX_LOCKOUT_MINUTES = 60
    with time_machine.travel(NINE, tick=False):
        for _ in range(12):
            SignInFailure.objects.create(email="dsl@oakfield.example", at=NINE, stage="password")
        state = lock_state(email="dsl@oakfield.example", ip_address=None)
    assert state.until == NINE + datetime.timedelta(minutes=60)


def test_a_successful_sign_in_starts_the_count_again(dsl, settings):
    settings.CAIRN_SIGN_IN_MAX_FAILURES = 3
    email = "dsl@oakfield.example"
    with time_machine.travel(NINE, tick=False):
        for _ in range(2):
            _attempt(email, "wrong", client_ip="203.0.113.5")
        assert _attempt(email, PASSWORD, client_ip="203.0.113.5").status_code == 302
    with time_machine.travel(NINE + datetime.timedelta(minutes=1), tick=False):
        _attempt(email, "wrong", client_ip="203.0.113.5")
        assert not lock_state(email=email, ip_address=None).locked


# `next` after the second factor


@pytest.fixture
def dsl_with_totp(dsl):
    TOTPDevice.objects.create(user=dsl.user, secret=SECRET, confirmed_at=NINE)
    return dsl


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "https:///evil.example",
        "javascript:alert(1)",
        " https://evil.example/",
    ],
)
def test_the_second_factor_never_redirects_off_site(dsl_with_totp, target):
    # Before the fix: POST /sign-in/two-factor/?next=https://evil.example/ went there.
    client = Client()
    client.post("/sign-in/", {"email": "dsl@oakfield.example", "password": PASSWORD})
    response = client.post(
        "/sign-in/two-factor/?" + f"next={target}", {"code": pyotp.TOTP(SECRET).now()}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_next_within_cairn_is_followed_through_both_steps(dsl_with_totp, pupil):
    client = Client()
    response = client.post(
        f"/sign-in/?next=/pupils/{pupil.pk}/",
        {"email": "dsl@oakfield.example", "password": PASSWORD},
    )
    assert response["Location"] == f"/sign-in/two-factor/?next=%2Fpupils%2F{pupil.pk}%2F"
    response = client.post(response["Location"], {"code": pyotp.TOTP(SECRET).now()})
    assert response["Location"] == f"/pupils/{pupil.pk}/"


def test_the_password_step_drops_an_off_site_next(dsl_with_totp):
    response = Client().post(
        "/sign-in/?next=https://evil.example/",
        {"email": "dsl@oakfield.example", "password": PASSWORD},
    )
    assert response["Location"] == "/sign-in/two-factor/"
