"""Abandoned tasks go back in the queue; the announcement reaches its receivers."""

from datetime import UTC, datetime, timedelta

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background.models import WorkerHeartbeat
from background.signals import announce_records_changed, records_changed
from background.tasks import finished_tasks_prune
from background.worker import abandoned_tasks_requeue, heartbeat_beat, heartbeat_end

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _timings(settings):
    settings.CAIRN_WORKER_DEAD_AFTER_SECONDS = 60
    settings.CAIRN_WORKER_MAX_ATTEMPTS = 3


def _running(*, workers: list[str], started: datetime) -> DBTaskResult:
    result = finished_tasks_prune.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=workers
    )
    row.refresh_from_db()
    return row


def test_a_task_whose_worker_stopped_beating_goes_back_in_the_queue():
    heartbeat_beat(worker_id="gone", now=NOW - timedelta(minutes=5))
    task = _running(workers=["gone"], started=NOW - timedelta(minutes=5))
    assert abandoned_tasks_requeue(now=NOW) == [str(task.pk)]
    task.refresh_from_db()
    assert (task.status, task.started_at) == ("READY", None)
    assert abandoned_tasks_requeue(now=NOW) == []  # taken back once


def test_a_live_worker_keeps_its_long_task():
    heartbeat_beat(worker_id="busy", now=NOW - timedelta(seconds=2))
    task = _running(workers=["busy"], started=NOW - timedelta(hours=2))
    assert abandoned_tasks_requeue(now=NOW) == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_task_just_claimed_is_left_alone_even_before_its_worker_beats():
    task = _running(workers=["new"], started=NOW - timedelta(seconds=10))
    assert abandoned_tasks_requeue(now=NOW) == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_task_that_keeps_killing_workers_is_given_up():
    task = _running(workers=["a", "b", "c"], started=NOW - timedelta(minutes=5))
    assert abandoned_tasks_requeue(now=NOW) == []
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert "Abandoned by 3 workers in turn" in task.traceback


def test_a_heartbeat_is_written_then_removed_on_a_clean_stop():
    heartbeat_beat(worker_id="w1", now=NOW)
    heartbeat_beat(worker_id="w1", now=NOW + timedelta(seconds=5))
    beat = WorkerHeartbeat.objects.get()
    assert (beat.started_at, beat.last_beat) == (NOW, NOW + timedelta(seconds=5))
    heartbeat_end(worker_id="w1")
    assert not WorkerHeartbeat.objects.exists()


def test_the_announcement_sends_each_child_once_sorted_and_nothing_for_none():
    heard: list[list[str]] = []

    def listener(*, pupil_ids, **kwargs):
        heard.append(pupil_ids)

    records_changed.connect(listener)
    try:
        announce_records_changed(pupil_ids=["b", "a", "b"])
        announce_records_changed(pupil_ids=[])
    finally:
        records_changed.disconnect(listener)
    assert heard == [["a", "b"]]
