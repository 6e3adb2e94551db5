"""Keeping the queue whole when a worker dies: heartbeats, and putting abandoned tasks back.

`django_tasks_db` claims a task by setting it RUNNING; a worker killed mid-task (out of memory, a
server restart) would leave it RUNNING for ever. Each `run_worker` process therefore writes a
heartbeat every `CAIRN_WORKER_HEARTBEAT_SECONDS`; a RUNNING task whose worker has not beaten for
`CAIRN_WORKER_DEAD_AFTER_SECONDS` is made READY again for the next worker, with a conditional
UPDATE so that two workers cannot both take it back. A task abandoned
`CAIRN_WORKER_MAX_ATTEMPTS` times is marked failed instead (it is probably what kills workers).
Everything the worker runs is safe to run twice: the findings refresh compares input hashes.
"""

import logging
import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def dead_after() -> timedelta:
    return timedelta(seconds=float(settings.CAIRN_WORKER_DEAD_AFTER_SECONDS))


def heartbeat_beat(*, worker_id: str, now: datetime | None = None) -> None:
    """Say this worker is alive."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(pk=worker_id).update(last_beat=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            last_beat=now,
        )


def heartbeat_end(*, worker_id: str) -> None:
    """A worker stopping cleanly removes its heartbeat (it holds no task any more)."""
    WorkerHeartbeat.objects.filter(pk=worker_id).delete()


def abandoned_tasks_requeue(*, now: datetime | None = None) -> list[str]:
    """Put back in the queue the tasks whose worker stopped beating; returns their ids.

    A task counts as abandoned when it has been RUNNING for longer than the dead-after time and
    the last worker that claimed it has no recent heartbeat."""
    now = now or timezone.now()
    cutoff = now - dead_after()
    alive = set(
        WorkerHeartbeat.objects.filter(last_beat__gte=cutoff).values_list("worker_id", flat=True)
    )
    requeued: list[str] = []
    for task in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        if task.worker_ids and task.worker_ids[-1] in alive:
            continue
        attempts = len(task.worker_ids)
        if attempts >= settings.CAIRN_WORKER_MAX_ATTEMPTS:
            task.set_failed(
                RuntimeError(f"Abandoned by {attempts} workers in turn; not tried again.")
            )
            logger.error("background: task %s (%s) given up", task.pk, task.task_path)
            continue
        taken_back = DBTaskResult.objects.filter(
            pk=task.pk, status=task.status, started_at=task.started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
        if taken_back:
            requeued.append(str(task.pk))
            logger.warning(
                "background: task %s (%s) put back: its worker stopped", task.pk, task.task_path
            )
    WorkerHeartbeat.objects.filter(last_beat__lt=now - timedelta(days=1)).delete()
    return requeued
