"""Taking queued calls of a task along with the one running (background/coalesce.py)."""

from typing import Any

import pytest
from django.db import connection
from django.tasks import TaskContext, TaskResultStatus
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from background.coalesce import queued_alike_claim
from background.tasks import finished_tasks_prune

pytestmark = pytest.mark.django_db


def _queued(count: int) -> list[DBTaskResult[Any, Any]]:
    return [DBTaskResult.objects.get(pk=finished_tasks_prune.enqueue().id) for _ in range(count)]


def test_the_calls_queued_behind_are_claimed_in_one_update_each_keeping_their_history():
    running, *queued = _queued(6)
    running.claim("worker-b")
    # One of them went back in the queue when its first worker died (background/worker.py).
    DBTaskResult.objects.filter(pk=queued[0].pk).update(worker_ids=["worker-a"])
    context: TaskContext[Any, Any] = TaskContext(task_result=running.task_result)
    with CaptureQueriesContext(connection) as queries:
        claimed = queued_alike_claim(context, limit=10)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 2  # the fresh calls together, the requeued one with its history
    assert {row.pk for row in claimed} == {row.pk for row in queued}
    stored = {row.pk: row for row in DBTaskResult.objects.filter(pk__in=[r.pk for r in queued])}
    assert {row.status for row in stored.values()} == {TaskResultStatus.RUNNING}
    assert all(row.started_at is not None for row in stored.values())
    assert stored[queued[0].pk].worker_ids == ["worker-a", "worker-b"]
    assert all(stored[row.pk].worker_ids == ["worker-b"] for row in queued[1:])
    # What the caller holds says the same as the rows.
    assert all(row.worker_ids == stored[row.pk].worker_ids for row in claimed)


def test_no_more_than_the_limit_is_claimed_and_the_rest_stay_queued():
    running, *_ = _queued(5)
    running.claim("worker-b")
    claimed = queued_alike_claim(TaskContext(task_result=running.task_result), limit=3)
    assert len(claimed) == 3
    assert DBTaskResult.objects.ready().count() == 1
