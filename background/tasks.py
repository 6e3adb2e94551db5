"""The background app's own scheduled task (settings.CAIRN_SCHEDULE)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.models import ScheduledRun


@task
def finished_tasks_prune() -> dict[str, int]:
    """Forget finished tasks and schedule times older than `CAIRN_TASK_RESULTS_KEEP_DAYS` (they
    hold ids and timings, never a child's details). Each job's latest time is kept: it is how
    the schedule knows the job has run before."""
    cutoff = timezone.now() - timedelta(days=settings.CAIRN_TASK_RESULTS_KEEP_DAYS)
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    runs = 0
    for row in ScheduledRun.objects.values("job").annotate(latest=Max("slot")):
        deleted, _ = ScheduledRun.objects.filter(
            job=row["job"], slot__lt=min(cutoff, row["latest"])
        ).delete()
        runs += deleted
    return {"tasks": tasks, "scheduled_runs": runs}
