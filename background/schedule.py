"""The scheduled jobs, read from one place: `settings.CAIRN_SCHEDULE`.

Each entry names a job, the task it enqueues (a dotted path to a `django.tasks` Task that takes no
arguments) and the local time of day it runs (“02:30”, Europe/London). `run_worker` calls
`scheduled_jobs_enqueue` every heartbeat; `ScheduledRun`'s unique (job, time) pair means one
enqueue per time however many workers run. A job seen for the first time waits for its next time
(a fresh install does not run last night's job the moment it starts); after that, a time missed
while no worker ran (a server off overnight) is run once when a worker comes back.

Without the worker's schedule (`run_worker --no-schedule`), cron or systemd timers run the same
jobs as commands: docs/deploy.md.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from background.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    at: time

    def task(self) -> Task[[], Any]:
        found = import_string(self.task_path)
        if not isinstance(found, Task):
            raise ImproperlyConfigured(
                f"CAIRN_SCHEDULE: {self.task_path} (job {self.name!r}) is not a task; "
                "decorate the function with django.tasks.task"
            )
        return found

    def latest_time(self, now: datetime) -> datetime:
        """The most recent time this job was due, at or before `now`."""
        local = timezone.localtime(now)
        due = timezone.make_aware(datetime.combine(local.date(), self.at))
        return (
            due
            if due <= local
            else timezone.make_aware(datetime.combine(local.date() - timedelta(days=1), self.at))
        )


def scheduled_jobs() -> list[Job]:
    """The schedule, checked: a bad entry names itself and what is wrong with it."""
    jobs: list[Job] = []
    for index, entry in enumerate(settings.CAIRN_SCHEDULE, start=1):
        where = f"CAIRN_SCHEDULE entry {index}"
        missing = {"name", "task", "at"} - set(entry)
        if missing:
            raise ImproperlyConfigured(f"{where} has no {', '.join(sorted(missing))}")
        try:
            at = time.fromisoformat(entry["at"])
        except (TypeError, ValueError) as error:
            raise ImproperlyConfigured(
                f"{where} ({entry['name']}): 'at' must be a time of day such as 02:30, "
                f"not {entry['at']!r}"
            ) from error
        jobs.append(Job(name=entry["name"], task_path=entry["task"], at=at))
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured("CAIRN_SCHEDULE names a job twice")
    for job in jobs:
        job.task()
    return jobs


def scheduled_jobs_enqueue(*, now: datetime | None = None) -> list[str]:
    """Enqueue every job whose time has come and not yet been enqueued; returns their names."""
    now = now or timezone.now()
    enqueued: list[str] = []
    for job in scheduled_jobs():
        due = job.latest_time(now)
        last = ScheduledRun.objects.filter(job=job.name).order_by("-slot").first()
        if last is not None and last.slot >= due:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(
                    job=job.name, slot=due, enqueued=last is not None, created_at=now
                )
                if run.enqueued:
                    run.task_id = str(job.task().enqueue().id)
                    run.save(update_fields=["task_id"])
                    enqueued.append(job.name)
        except IntegrityError:
            continue  # another worker took this time first
    if enqueued:
        logger.info("background: scheduled %s", ", ".join(enqueued))
    return enqueued
