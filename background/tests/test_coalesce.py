"""Taking queued calls of a task along with the one running (background/coalesce.py)."""

import time
from typing import Any

import pytest
from django.db import connection
from django.tasks import TaskContext, TaskResultStatus
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from background import coalesce
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


def _claim_as_new_run(limit: int = 10) -> tuple[list[DBTaskResult[Any, Any]], float]:
    """A new run of the task claims what is queued behind it; what it took and how long the
    claim took, in seconds."""
    running = DBTaskResult.objects.ready().order_by("enqueued_at").first()
    assert running is not None
    running.claim("worker-b")
    began = time.monotonic()
    claimed = queued_alike_claim(TaskContext(task_result=running.task_result), limit=limit)
    return claimed, time.monotonic() - began


def test_a_run_soon_after_the_last_waits_and_takes_along_what_came_meanwhile(settings, monkeypatch):
    settings.CAIRN_TASKS_GATHER_SECONDS = 0.4
    monkeypatch.setattr(coalesce, "_RUN_BEGAN", {})
    _queued(3)
    claimed, took = _claim_as_new_run()
    assert len(claimed) == 2
    assert took < 0.3  # the first run: nothing to wait for
    _queued(4)  # arriving while the first run works
    claimed, took = _claim_as_new_run()
    assert took >= 0.3  # waited until 0.4 s after the first run began
    assert len(claimed) == 3
    assert not DBTaskResult.objects.ready().exists()


def test_a_call_after_a_pause_is_run_at_once(settings, monkeypatch):
    settings.CAIRN_TASKS_GATHER_SECONDS = 0.4
    path = finished_tasks_prune.module_path
    monkeypatch.setattr(coalesce, "_RUN_BEGAN", {path: time.monotonic() - 1.0})
    _queued(2)
    claimed, took = _claim_as_new_run()
    assert len(claimed) == 1
    assert took < 0.3
