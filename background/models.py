"""What the worker keeps for itself: which workers are alive, and which scheduled times have run.

The tasks themselves are rows of `django_tasks_db` (docs/adr/0016)."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A running `run_worker` process, seen at `last_beat`. A task claimed by a worker whose
    heartbeat has stopped is put back in the queue (background/worker.py)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_beat = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Worker {self.pid} on {self.host}"


class ScheduledRun(models.Model):
    """One time of one scheduled job (settings.CAIRN_SCHEDULE). The unique pair is what stops two
    workers enqueueing the same night's run twice: the second insert fails and is ignored."""

    job = models.CharField(max_length=100)
    slot = models.DateTimeField()
    enqueued = models.BooleanField(default=True)  # False: the time the schedule was first seen
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} at {self.slot:%Y-%m-%d %H:%M}"
