"""The schedule: one place, one enqueue per time, and a bad entry named."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from accounts.tasks import housekeeping
from background.models import ScheduledRun
from background.schedule import scheduled_jobs, scheduled_jobs_enqueue
from background.tasks import finished_tasks_prune
from background.testing import run_pending_tasks

pytestmark = pytest.mark.django_db
# 09:00 in London (GMT) on a Monday in March.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUSEKEEPING = {"name": "housekeeping", "task": "accounts.tasks.housekeeping", "at": "03:30"}


def test_the_settings_list_the_nightly_jobs():
    assert {job.name: job.at.isoformat() for job in scheduled_jobs()} == {
        "nightly detector run": "02:00:00",
        "housekeeping": "03:30:00",
        "tasks pruned": "03:45:00",
    }


def test_a_job_seen_first_waits_for_its_next_time_then_runs_once_per_time(settings):
    settings.CAIRN_SCHEDULE = [HOUSEKEEPING]
    assert scheduled_jobs_enqueue(now=NOW) == []  # first seen: today's 03:30 noted, not run
    assert not DBTaskResult.objects.exists()
    assert scheduled_jobs_enqueue(now=NOW + timedelta(hours=12)) == []  # still today's time
    assert scheduled_jobs_enqueue(now=NOW + timedelta(days=1)) == ["housekeeping"]
    assert scheduled_jobs_enqueue(now=NOW + timedelta(days=1, seconds=5)) == []
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "accounts.tasks.housekeeping"
    run = ScheduledRun.objects.get(enqueued=True)
    assert (run.slot, run.task_id) == (datetime(2026, 3, 3, 3, 30, tzinfo=UTC), str(task.pk))


def test_nights_missed_while_no_worker_ran_are_caught_up_once(settings):
    settings.CAIRN_SCHEDULE = [HOUSEKEEPING]
    scheduled_jobs_enqueue(now=NOW)
    assert scheduled_jobs_enqueue(now=NOW + timedelta(days=4)) == ["housekeeping"]
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "x", "task": "accounts.tasks.housekeeping"}, "entry 1 has no at"),
        ({**HOUSEKEEPING, "at": "half past three"}, "'at' must be a time of day such as 02:30"),
        ({**HOUSEKEEPING, "task": "background.schedule.Job"}, "is not a task"),
    ],
)
def test_a_bad_entry_is_named(settings, entry, message):
    settings.CAIRN_SCHEDULE = [entry]
    with pytest.raises(ImproperlyConfigured, match=message):
        scheduled_jobs()


def test_the_worker_refuses_to_start_on_a_bad_schedule(settings):
    settings.CAIRN_SCHEDULE = [HOUSEKEEPING, HOUSEKEEPING]
    with pytest.raises(ImproperlyConfigured, match="names a job twice"):
        call_command("run_worker", "--batch")


def test_housekeeping_clears_expired_sessions(settings):
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=NOW - timedelta(days=1)
    )
    housekeeping.enqueue()
    (ran,) = run_pending_tasks()
    assert ran.status == "SUCCESSFUL"
    assert "1 expired session(s)" in ran.return_value
    assert not Session.objects.exists()


def test_old_task_rows_are_forgotten_but_each_jobs_latest_time_kept(settings, time_machine):
    settings.CAIRN_SCHEDULE = [HOUSEKEEPING]
    time_machine.move_to(NOW - timedelta(days=60))
    scheduled_jobs_enqueue()
    time_machine.move_to(NOW - timedelta(days=59))
    scheduled_jobs_enqueue()
    run_pending_tasks()  # an old housekeeping run, finished 59 days ago
    time_machine.move_to(NOW)
    finished_tasks_prune.enqueue()
    (latest,) = run_pending_tasks()
    assert latest.status == "SUCCESSFUL"
    assert latest.return_value == {"tasks": 1, "scheduled_runs": 1}
    assert ScheduledRun.objects.count() == 1  # the latest time, kept


def test_manage_py_check_names_a_bad_schedule(settings):
    from background.checks import schedule_check

    assert schedule_check() == []
    settings.CAIRN_SCHEDULE = [{**HOUSEKEEPING, "at": "25:00"}]
    (error,) = schedule_check()
    assert error.id == "background.E001"
    assert "'at' must be a time of day such as 02:30, not '25:00'" in error.msg
