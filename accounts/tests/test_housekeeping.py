"""Issue 14, item 10: failed sign-ins are pruned and expired sessions cleared, by one function
and its command."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from accounts.housekeeping import housekeeping
from accounts.models import SignInFailure
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _failure(days_ago: float) -> SignInFailure:
    return SignInFailure.objects.create(
        email="someone@oakfield.example",
        at=timezone.now() - datetime.timedelta(days=days_ago),
        stage="password",
    )


def _session(*, expires_in: datetime.timedelta) -> str:
    store = SessionStore()
    store["x"] = 1
    store.set_expiry(timezone.now() + expires_in)
    store.save()
    assert store.session_key is not None
    return store.session_key


def test_old_failed_sign_ins_and_expired_sessions_are_removed(settings):
    # Before: nothing ever called sign_in_failures_prune, and sessions were never cleared.
    settings.CAIRN_SIGN_IN_FAILURES_KEEP_DAYS = 30
    old, recent = _failure(40), _failure(2)
    gone = _session(expires_in=datetime.timedelta(hours=-1))
    kept = _session(expires_in=datetime.timedelta(hours=1))
    report = housekeeping()
    assert (report.sign_in_failures_removed, report.sessions_removed) == (1, 1)
    assert list(SignInFailure.objects.all()) == [recent]
    assert not SignInFailure.objects.filter(pk=old.pk).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == [kept]
    assert gone != kept


def test_failures_are_kept_as_long_as_they_can_pause_an_account(settings):
    settings.CAIRN_SIGN_IN_FAILURES_KEEP_DAYS = 1
    settings.CAIRN_SIGN_IN_MAX_LOCKOUT_MINUTES = 3 * 24 * 60
    _failure(2)
    assert housekeeping().sign_in_failures_removed == 0


def test_the_command_reports_counts_and_is_idempotent(capsys):
    _failure(400)
    call_command("housekeeping", "--dry-run")
    call_command("housekeeping")
    call_command("housekeeping")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Housekeeping: 1 old failed sign-in(s), 0 expired session(s) and 0 old import upload(s) "
        "would be removed (dry run).",
        "Housekeeping: 1 old failed sign-in(s), 0 expired session(s) and 0 old import upload(s) "
        "removed.",
        "Housekeeping: 0 old failed sign-in(s), 0 expired session(s) and 0 old import upload(s) "
        "removed.",
    ]
    assert not AuditEvent.objects.exists()


def test_import_uploads_past_their_use_are_removed_and_recent_ones_kept(settings):
    import os
    import time
    from pathlib import Path

    settings.CAIRN_IMPORT_UPLOADS_KEEP_DAYS = 7
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    old_pupils = root / "imports" / "previewed-never-imported.ctf"
    old_registers = root / "attendance-imports" / "batch.upload"
    recent = root / "imports" / "previewed-today.csv"
    attachment = root / "attachments" / "kept-for-ever"
    for path in (old_pupils, old_registers, recent, attachment):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"synthetic")
    eight_days_ago = time.time() - 8 * 24 * 3600
    for path in (old_pupils, old_registers, attachment):
        os.utime(path, (eight_days_ago, eight_days_ago))

    assert housekeeping(dry_run=True).import_uploads_removed == 2
    assert old_pupils.exists()
    assert housekeeping().import_uploads_removed == 2
    assert not old_pupils.exists()
    assert not old_registers.exists()
    assert recent.exists()
    assert attachment.exists()  # attachments are records, never housekeeping's
