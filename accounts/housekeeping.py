"""Housekeeping that keeps sign-in tables small (issue 14, item 10).

`housekeeping()` is the one function a scheduler calls (a background task, or cron through
`manage.py housekeeping`): it removes failed sign-ins older than they can matter
(`accounts.services.sign_in_failures_prune`), sessions that have expired (Django's own
`clear_expired`) and uploaded import files past their use (issue 15): a pupil file previewed and
never imported, and the copy of a register file kept after its import, once older than
`CAIRN_IMPORT_UPLOADS_KEEP_DAYS`. None is a record about a child: each attempt stays in the audit
trail, an expired session can no longer be used, and what an import brought in is in the
database (a previewed file's batch says "the uploaded file is no longer available"). Safe to run
at any time and as often as wanted.
"""

from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.services import sign_in_failures_prune


@dataclass(frozen=True, slots=True)
class HousekeepingReport:
    sign_in_failures_removed: int
    sessions_removed: int
    dry_run: bool = False
    import_uploads_removed: int = 0

    def __str__(self) -> str:
        verb = "would be removed (dry run)" if self.dry_run else "removed"
        return (
            f"Housekeeping: {self.sign_in_failures_removed} old failed sign-in(s), "
            f"{self.sessions_removed} expired session(s) and {self.import_uploads_removed} old "
            f"import upload(s) {verb}."
        )


# Folders under PRIVATE_MEDIA_ROOT where uploaded import files wait (pupils, attendance).
IMPORT_UPLOAD_FOLDERS = ("imports", "attendance-imports")


def _old_import_uploads(*, dry_run: bool) -> int:
    """Remove uploaded import files last changed more than CAIRN_IMPORT_UPLOADS_KEEP_DAYS ago."""
    cutoff = (timezone.now() - timedelta(days=settings.CAIRN_IMPORT_UPLOADS_KEEP_DAYS)).timestamp()
    removed = 0
    for name in IMPORT_UPLOAD_FOLDERS:
        folder = Path(settings.PRIVATE_MEDIA_ROOT) / name
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                removed += 1
                if not dry_run:
                    path.unlink(missing_ok=True)
    return removed


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
    """Remove old failed sign-ins, expired sessions and old import uploads; say how many of each
    (with `dry_run`, only count them)."""
    return HousekeepingReport(
        sign_in_failures_removed=sign_in_failures_prune(dry_run=dry_run),
        sessions_removed=_expired_sessions(dry_run=dry_run),
        dry_run=dry_run,
        import_uploads_removed=_old_import_uploads(dry_run=dry_run),
    )
