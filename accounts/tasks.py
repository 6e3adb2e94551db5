"""The accounts app's scheduled task (settings.CAIRN_SCHEDULE; docs/adr/0016)."""

from django.tasks import task

from accounts.housekeeping import housekeeping as housekeeping_run


@task
def housekeeping() -> str:
    """Old failed sign-ins and expired sessions removed (`manage.py housekeeping` does the same
    from cron); returns the one-line report."""
    return str(housekeeping_run())
