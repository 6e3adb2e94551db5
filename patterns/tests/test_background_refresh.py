"""The findings refresh runs off the request path (issue 16, docs/adr/0016): recording a concern
queues it in the same transaction; a worker runs it; a worker killed mid-refresh loses nothing."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.testing import run_pending_tasks
from concerns.models import Concern
from concerns.services import categories_ensure
from concerns.tests.factories import enrolled_pupil, make_concern, staff_member
from patterns import services
from patterns.models import Finding
from patterns.tasks import findings_refresh_queued

BASE_DIR = Path(settings.BASE_DIR)
HUNGRY = "Came in without a coat again; said she was hungry."


def _third_concern_post(pupil, school):
    categories_ensure(school=school)
    when = timezone.localtime() - timedelta(minutes=30)
    return {
        "child_1": str(pupil.pk),
        "part_1": "subject",
        "occurred_on": when.date().isoformat(),
        "occurred_time": when.strftime("%H:%M"),
        "location": "Classroom 3",
        "facts": HUNGRY,
        "child_words": "",
        "categories": [str(school.concern_categories.get(code="neglect").pk)],
    }


def test_recording_a_concern_with_no_worker_running_answers_at_once_and_the_finding_follows(
    school, dsl, client_for, monkeypatch
):
    child = enrolled_pupil(school=school)
    a, b = staff_member(school=school), staff_member(school=school)
    make_concern(author=a, pupil=child, occurred_at=timezone.now() - timedelta(days=12))
    make_concern(author=b, pupil=child, occurred_at=timezone.now() - timedelta(days=5))
    run_pending_tasks()  # the first two concerns raise nothing
    refreshed: list[list[str]] = []
    real = services.findings_refresh_for_children

    def spy(**kwargs):
        refreshed.append(sorted(kwargs["pupil_ids"]))
        return real(**kwargs)

    monkeypatch.setattr(services, "findings_refresh_for_children", spy)

    response = client_for(a).post(reverse("concerns:record"), _third_concern_post(child, school))

    assert response.status_code == 302  # the teacher's page answered...
    assert refreshed == []  # ...without running the detectors
    (queued,) = DBTaskResult.objects.ready().filter(task_path=findings_refresh_queued.module_path)
    assert queued.args_kwargs["kwargs"] == {"pupil_ids": [str(child.pk)]}
    inbox = client_for(dsl).get(reverse("patterns:inbox")).content.decode()
    assert "Several small signs of neglect" not in inbox

    run_pending_tasks()  # a worker comes by

    assert refreshed == [[str(child.pk)]]
    finding = Finding.objects.get(pupil=child, detector="cumulative-neglect")
    inbox = client_for(dsl).get(reverse("patterns:inbox")).content.decode()
    assert "Several small signs of neglect" in inbox
    assert finding.detail.split(" ")[0] in inbox


def test_a_rolled_back_write_queues_no_refresh(school):
    child = enrolled_pupil(school=school)
    author = staff_member(school=school)

    class AbandonedError(Exception):
        pass

    def write_then_fail() -> None:
        with transaction.atomic():
            make_concern(author=author, pupil=child)
            # Inside the writing transaction the task row exists beside the concern...
            queued = DBTaskResult.objects.filter(task_path=findings_refresh_queued.module_path)
            assert queued.exists()
            raise AbandonedError

    with pytest.raises(AbandonedError):
        write_then_fail()

    # ...and rolled back with it: no concern, no refresh, no e-mail.
    assert not Concern.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert run_pending_tasks() == []


def _database_url_for_subprocesses(tmp_path: Path) -> tuple[str, Path | None]:
    """The test database as another process reaches it. SQLite's test database lives in memory,
    so it is copied to a file first (and copied back afterwards)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        auth = f"{user}:{db['PASSWORD']}" if db["PASSWORD"] else user
        return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}", None
    assert connection.vendor == "sqlite"
    copy = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}", copy


def _wait_for(check, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_refresh_loses_nothing(school, tmp_path):
    child = enrolled_pupil(school=school)
    a, b = staff_member(school=school), staff_member(school=school)
    for days, author in ((12, a), (5, b), (1, a)):
        make_concern(author=author, pupil=child, occurred_at=timezone.now() - timedelta(days=days))
    DBTaskResult.objects.exclude(task_path=findings_refresh_queued.module_path).delete()
    assert DBTaskResult.objects.ready().count() == 3
    url, sqlite_copy = _database_url_for_subprocesses(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CAIRN_WORKER_HEARTBEAT_SECONDS": "0.1",
        "CAIRN_WORKER_DEAD_AFTER_SECONDS": "0.5",
        "CAIRN_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    marker = tmp_path / "mid-refresh"

    stuck = subprocess.Popen(
        [sys.executable, "-m", "patterns.tests.slow_worker", str(marker)], cwd=BASE_DIR, env=env
    )
    try:
        _wait_for(marker.exists, seconds=90, what="the first worker to start refreshing")
    finally:
        stuck.send_signal(signal.SIGKILL)
        stuck.wait(timeout=30)
    assert stuck.returncode == -signal.SIGKILL
    time.sleep(0.8)  # longer than CAIRN_WORKER_DEAD_AFTER_SECONDS: its heartbeat has stopped

    second = subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch", "--no-startup-delay",
         "--no-schedule"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr

    if sqlite_copy is not None:
        with sqlite3.connect(sqlite_copy) as source:
            source.backup(connection.connection)
        source.close()
    refreshes = DBTaskResult.objects.filter(task_path=findings_refresh_queued.module_path)
    assert {t.status for t in refreshes} == {"SUCCESSFUL"}
    # All three were claimed by the killed worker (coalesced), then by the second one.
    assert all(len(t.worker_ids) == 2 for t in refreshes)
    finding = Finding.objects.get(pupil=child)  # exactly one: the half-written one rolled back
    assert (finding.detector, len(finding.evidence)) == ("cumulative-neglect", 3)


def test_a_refresh_racing_another_worker_runs_again(school, monkeypatch):
    from django.db import IntegrityError

    child = enrolled_pupil(school=school)
    make_concern(author=staff_member(school=school), pupil=child)
    calls: list[list[str]] = []
    real = services.findings_refresh_changed

    def raced_once(*, pupil_ids, on_stored):
        calls.append(list(pupil_ids))
        if len(calls) == 1:
            raise IntegrityError("another worker stored the same finding")
        return real(pupil_ids=pupil_ids, on_stored=on_stored)

    monkeypatch.setattr(services, "findings_refresh_changed", raced_once)
    ran = run_pending_tasks()
    (refresh,) = [t for t in ran if t.task_path == findings_refresh_queued.module_path]
    assert refresh.status == "SUCCESSFUL"
    assert calls == [[str(child.pk)], [str(child.pk)]]


def test_the_nightly_run_is_a_task_that_stores_findings(school):
    from patterns.tasks import detectors_run_nightly

    child = enrolled_pupil(school=school)
    a, b = staff_member(school=school), staff_member(school=school)
    for days, author in ((12, a), (5, b), (1, a)):
        make_concern(author=author, pupil=child, occurred_at=timezone.now() - timedelta(days=days))
    DBTaskResult.objects.all().delete()  # the incremental refreshes are not what is tested
    detectors_run_nightly.enqueue()
    (ran,) = run_pending_tasks()
    assert ran.status == "SUCCESSFUL"
    assert "findings about" in ran.return_value
    assert Finding.objects.filter(pupil=child, detector="cumulative-neglect").exists()


def _statements(queries) -> list[str]:
    return [q["sql"] for q in queries]


def test_the_write_transaction_holds_only_the_findings_writes(school):
    """Everything the refresh reads (the facts, the detector settings, the check that the run's
    schools and children exist) comes before the write transaction begins; inside it only the
    current findings, their writes, the audit event and what the caller stores with them."""
    from django.test.utils import CaptureQueriesContext

    child = enrolled_pupil(school=school)
    for _ in range(3):
        make_concern(author=staff_member(school=school), pupil=child)

    def stored_with_them() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 'stored with the findings'")

    with CaptureQueriesContext(connection) as queries:
        summary = services.findings_refresh_changed(
            pupil_ids=[str(child.pk)], on_stored=stored_with_them
        )
    assert summary.raised == 1
    sql = _statements(queries.captured_queries)
    begin = next(i for i, s in enumerate(sql) if s.startswith("SAVEPOINT"))
    end = next(i for i, s in enumerate(sql) if s.startswith("RELEASE SAVEPOINT"))
    inside = sql[begin + 1 : end]
    assert begin > len(sql) // 2  # after the facts
    writes = ('"patterns_finding"', '"audit_auditevent"', "pg_advisory_xact_lock")  # the chain's
    assert all(any(w in s for w in writes) for s in inside[:-1])
    assert inside[-1] == "SELECT 'stored with the findings'"
    assert not any('"schools_school"' in s or '"pupils_pupil"' in s for s in inside)


def test_the_refreshes_taken_along_are_done_with_the_findings_or_not_at_all(school, monkeypatch):
    """The refreshes a run takes along are marked done in the transaction that stores the
    findings: when storing fails, no finding is kept and they are failed, never done."""
    children = [enrolled_pupil(school=school) for _ in range(2)]
    for child in children:
        for _ in range(3):
            make_concern(author=staff_member(school=school), pupil=child)

    def audit_fails(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(services, "record", audit_fails)
    run_pending_tasks()
    refreshes = DBTaskResult.objects.filter(task_path=findings_refresh_queued.module_path)
    assert refreshes.count() == 6  # one run took the other five along
    assert set(refreshes.values_list("status", flat=True)) == {"FAILED"}
    assert not Finding.objects.filter(pupil__in=children).exists()
