"""Housekeeping that keeps sign-in tables small (issue 14, item 10).

`housekeeping()` is the one function a scheduler calls (a background task, or cron through
`manage.py housekeeping`): it removes failed sign-ins older than they can matter
(`accounts.services.sign_in_failures_prune`) and sessions that have expired (Django's own
`clear_expired`). Neither is a record about a child: each attempt stays in the audit trail, and
an expired session can no longer be used. Safe to run at any time and as often as wanted.
"""

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.services import sign_in_failures_prune


@dataclass(frozen=True, slots=True)
class HousekeepingReport:
    sign_in_failures_removed: int
    sessions_removed: int
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "would be removed (dry run)" if self.dry_run else "removed"
        return (
            f"Housekeeping: {self.sign_in_failures_removed} old failed sign-in(s) and "
            f"{self.sessions_removed} expired session(s) {verb}."
        )


def _expired_sessions(*, dry_run: bool) -> int:
    """Clear expired sessions through the session engine, counting them where the engine keeps
    sessions in the database (the default); other engines expire their own."""
    engine = import_module(settings.SESSION_ENGINE)
    counted = settings.SESSION_ENGINE in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    }
    before = Session.objects.filter(expire_date__lt=timezone.now()).count() if counted else 0
    if not dry_run:
        engine.SessionStore.clear_expired()
    return before


def housekeeping(*, dry_run: bool = False) -> HousekeepingReport:
    """Remove old failed sign-ins and expired sessions; say how many of each (with `dry_run`,
    only count them)."""
    return HousekeepingReport(
        sign_in_failures_removed=sign_in_failures_prune(dry_run=dry_run),
        sessions_removed=_expired_sessions(dry_run=dry_run),
        dry_run=dry_run,
    )
