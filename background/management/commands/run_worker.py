"""Run the background worker: queued tasks, heartbeats, abandoned tasks put back, the schedule.

`django_tasks_db`'s `db_worker` runs the tasks; this command adds what Cairn needs around it on a
thread of its own (background/worker.py, background/schedule.py). Stop it with Ctrl+C or SIGTERM:
the task in hand finishes first (a second Ctrl+C abandons it; the next worker runs it again).
"""

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from background.schedule import scheduled_jobs, scheduled_jobs_enqueue
from background.worker import abandoned_tasks_requeue, heartbeat_beat, heartbeat_end

logger = logging.getLogger("background.worker")


def _tick(*, worker_id: str, schedule: bool) -> None:
    heartbeat_beat(worker_id=worker_id)
    abandoned_tasks_requeue()
    if schedule:
        scheduled_jobs_enqueue()


class _Heartbeat(threading.Thread):
    """Beats, takes back abandoned tasks and enqueues due jobs every heartbeat interval."""

    def __init__(self, *, worker_id: str, schedule: bool) -> None:
        super().__init__(name="cairn-worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.schedule = schedule
        self.stopping = threading.Event()

    def run(self) -> None:
        interval = float(settings.CAIRN_WORKER_HEARTBEAT_SECONDS)
        while not self.stopping.wait(interval):
            try:
                _tick(worker_id=self.worker_id, schedule=self.schedule)
            except Exception:
                logger.exception("background: the heartbeat failed; trying again")
            finally:
                connection.close()


class Command(DbWorkerCommand):
    help = (
        "Run Cairn's background worker: the findings refresh, alert e-mails and the scheduled "
        "jobs (settings.CAIRN_SCHEDULE). Every queue by default."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False, interval=0.2)
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Do not enqueue scheduled jobs (cron or systemd timers run them instead).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id: str = options["worker_id"]
        schedule = not options.pop("no_schedule") and bool(settings.CAIRN_SCHEDULE)
        if schedule:
            scheduled_jobs()  # a bad schedule stops the worker here, naming the entry
        _tick(worker_id=worker_id, schedule=schedule)
        heartbeat = _Heartbeat(worker_id=worker_id, schedule=schedule)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stopping.set()
            heartbeat.join(timeout=5)
            heartbeat_end(worker_id=worker_id)
