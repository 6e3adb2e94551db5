"""Taking queued calls of the same task along with the one running (ADR 0016, “Coalescing”).

When many calls of one task are queued at once (twenty staff recording concerns in the same
second), the first to start claims the others, does their work together in one go, and marks
them done naming itself. The claimed calls are RUNNING under the same worker until then, so if
the worker dies they go back in the queue with it (background/worker.py). Only the database
backend has rows to claim; under any other backend each call runs on its own.

Gathering (ADR 0026): a run costs a fixed part whatever the number of calls it takes along (a
findings refresh reads about forty tables' worth of facts for its children, however few), so a
worker that starts a new run the moment the last one ends, under a steady stream of calls, pays
that part again for every three or four. A worker that ran a task less than
`CAIRN_TASKS_GATHER_SECONDS` ago therefore waits until that much time has passed since the run
began before it claims the calls queued behind it: under a stream, each run takes along what
arrived in the meantime, and the machine's cores go to the people recording. A call arriving
after a pause (a school day's pace) finds the last run long past and is run at once.
"""

import threading
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import TaskContext, TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

# When this process last began a run of each task (time.monotonic), for gathering.
_RUN_BEGAN: dict[str, float] = {}
_RUN_BEGAN_LOCK = threading.Lock()


def _gathering_wait(task_path: str) -> float:
    """Wait, if this process began a run of the task less than the gathering time ago, until
    that time has passed since then; note this run's beginning. Returns the seconds waited."""
    gather = float(settings.CAIRN_TASKS_GATHER_SECONDS)
    with _RUN_BEGAN_LOCK:
        last = _RUN_BEGAN.get(task_path)
    wait = 0.0 if last is None else max(0.0, last + gather - time.monotonic())
    if wait:
        time.sleep(wait)
    with _RUN_BEGAN_LOCK:
        _RUN_BEGAN[task_path] = time.monotonic()
    return wait


def queued_alike_claim(
    context: TaskContext[Any, Any], *, limit: int
) -> list[DBTaskResult[Any, Any]]:
    """Claim up to `limit` READY calls of the running task, for the running task's worker, after
    the gathering wait (above)."""
    result = context.task_result
    if not isinstance(result.task.get_backend(), DatabaseBackend) or not result.worker_ids:
        return []
    _gathering_wait(result.task.module_path)
    worker_id = result.worker_ids[-1]
    with transaction.atomic():
        queued = (
            DBTaskResult.objects.ready()
            .filter(task_path=result.task.module_path, backend_name=result.backend)
            .exclude(pk=result.id)
            .select_for_update(skip_locked=True)[:limit]
        )
        claimed = list(queued)
        _claim_all(claimed, worker_id=worker_id)
    return claimed


def _claim_all(rows: list[DBTaskResult[Any, Any]], *, worker_id: str) -> None:
    """Mark the rows RUNNING under `worker_id`, as the backend's `claim` does one row at a time,
    in one UPDATE for the rows with the same workers before it (nearly always all of them: a
    row goes back in the queue only when its worker died). The rows are locked by the caller."""
    now = timezone.now()
    by_history: dict[tuple[str, ...], list[DBTaskResult[Any, Any]]] = {}
    for row in rows:
        by_history.setdefault(tuple(row.worker_ids), []).append(row)
    for history, alike in by_history.items():
        worker_ids = [*history, worker_id]
        DBTaskResult.objects.filter(pk__in=[row.pk for row in alike]).update(
            status=TaskResultStatus.RUNNING, started_at=now, worker_ids=worker_ids
        )
        for row in alike:
            row.status, row.started_at, row.worker_ids = TaskResultStatus.RUNNING, now, worker_ids


def queued_alike_done(
    context: TaskContext[Any, Any], claimed: list[DBTaskResult[Any, Any]]
) -> None:
    """Mark the claimed calls done by the running task."""
    if claimed:
        DBTaskResult.objects.filter(pk__in=[row.pk for row in claimed]).update(
            status=TaskResultStatus.SUCCESSFUL,
            finished_at=timezone.now(),
            return_value={"coalesced_into": str(context.task_result.id)},
        )


def queued_alike_failed(claimed: list[DBTaskResult[Any, Any]], error: BaseException) -> None:
    """Mark the claimed calls failed with the running task's error."""
    for row in claimed:
        row.set_failed(error)
