"""Running queued tasks in the test's own process and transaction, as a worker would."""

from typing import Any

from django.db import transaction
from django.tasks import Task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_pending_tasks(*, backend: str = "default") -> list[DBTaskResult[Any, Any]]:
    """Claim and run every READY task in turn, the way `run_worker` does, until none is left
    (tasks a task enqueues run too). Returns the task rows, finished (SUCCESSFUL or FAILED)."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend,
        startup_delay=False,
        max_tasks=None,
        worker_id="test-process",
        excluded_queue_names=[],
    )
    ran: list[DBTaskResult[Any, Any]] = []
    while True:
        with transaction.atomic():
            task = DBTaskResult.objects.ready().filter(backend_name=backend).get_locked()
            if task is None:
                break
            task.claim(worker.worker_id)
        worker.run_task(task)
        task.refresh_from_db()
        ran.append(task)
    return ran


def queued_kwargs(task: Task[Any, Any]) -> list[dict[str, Any]]:
    """The keyword arguments of each READY call of this task, oldest first."""
    rows = DBTaskResult.objects.ready().filter(task_path=task.module_path)
    return [row.args_kwargs["kwargs"] for row in rows.order_by("enqueued_at")]
