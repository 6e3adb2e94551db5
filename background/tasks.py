"""Housekeeping, run nightly by the schedule (settings.CAIRN_SCHEDULE)."""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db.models import Max
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.models import ScheduledRun


@task
def housekeeping() -> dict[str, int]:
    """Clear expired sessions, prune old failed sign-ins, and forget finished tasks and schedule
    times older than `CAIRN_TASK_RESULTS_KEEP_DAYS` (they hold ids, never a child's details).
    Each job's latest time is kept: it is how the schedule knows a job has run before."""
    from accounts.services import sign_in_failures_prune

    call_command("clearsessions")
    cutoff = timezone.now() - timedelta(days=settings.CAIRN_TASK_RESULTS_KEEP_DAYS)
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    latest = ScheduledRun.objects.values("job").annotate(latest=Max("slot"))
    runs = 0
    for row in latest:
        deleted, _ = ScheduledRun.objects.filter(
            job=row["job"], slot__lt=min(cutoff, row["latest"])
        ).delete()
        runs += deleted
    return {"sign_in_failures": sign_in_failures_prune(), "tasks": tasks, "scheduled_runs": runs}
