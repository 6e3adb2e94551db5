"""Taking queued calls of the same task along with the one running (ADR 0016, “Coalescing”).

When many calls of one task are queued at once (twenty staff recording concerns in the same
second), the first to start claims the others, does their work together in one go, and marks
them done naming itself. The claimed calls are RUNNING under the same worker until then, so if
the worker dies they go back in the queue with it (background/worker.py). Only the database
backend has rows to claim; under any other backend each call runs on its own.
"""

from typing import Any

from django.db import transaction
from django.tasks import TaskContext, TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult


def queued_alike_claim(
    context: TaskContext[Any, Any], *, limit: int
) -> list[DBTaskResult[Any, Any]]:
    """Claim up to `limit` READY calls of the running task, for the running task's worker."""
    result = context.task_result
    if not isinstance(result.task.get_backend(), DatabaseBackend) or not result.worker_ids:
        return []
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
