# ruff: noqa: E501  (one service call to a line reads best)
"""The incremental run: saving a record queues a refresh of the findings of the children it
touches (a background task, written in the same transaction), and a failure in the detectors
never breaks the record being saved."""

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from attendance.tests.factories import import_text, weeks_csv
from background.signals import announce_records_changed
from background.testing import run_pending_tasks
from concerns import services as concern_services
from concerns.models import ChildPresent, Concern, Outcome
from concerns.tests.factories import enrolled_pupil, make_concern, staff_member
from patterns import services
from patterns.db_loader import DatabaseFacts
from patterns.models import Finding
from patterns.tasks import findings_refresh_queued
from voice import services as voice_services
from voice.models import SupportLevel

NOW = datetime(2025, 2, 3, 12, tzinfo=UTC)


@pytest.fixture
def refreshed(monkeypatch):
    """The children each incremental run was asked for (the real refresh still runs)."""
    calls: list[list[str]] = []
    real = services.findings_refresh_for_children

    def spy(**kwargs):
        calls.append(sorted(kwargs["pupil_ids"]))
        return real(**kwargs)

    monkeypatch.setattr(services, "findings_refresh_for_children", spy)
    return calls


@time_machine.travel(NOW, tick=False)
def test_the_third_concern_raises_a_finding_once_the_queued_refresh_runs(school):
    child = enrolled_pupil(school=school)
    a, b = staff_member(school=school), staff_member(school=school)
    for days, author in ((20, a), (10, b)):
        make_concern(author=author, pupil=child, occurred_at=NOW - timedelta(days=days))
    make_concern(author=a, pupil=child, occurred_at=NOW - timedelta(hours=2))
    assert not Finding.objects.exists()  # queued, not run: nothing yet
    ran = run_pending_tasks()
    # The three refreshes were coalesced into one run; the e-mail tasks ran beside them.
    (run,) = [t for t in ran if t.task_path == findings_refresh_queued.module_path]
    assert run.return_value["coalesced"] == 2
    refreshes = DBTaskResult.objects.filter(task_path=findings_refresh_queued.module_path)
    assert sorted(t.return_value.get("coalesced_into", "") for t in refreshes) == [
        "",
        str(run.pk),
        str(run.pk),
    ]
    assert {t.status for t in refreshes} == {"SUCCESSFUL"}
    finding = Finding.objects.get()
    assert (finding.pupil, finding.detector, finding.school) == (
        child,
        "cumulative-neglect",
        school,
    )
    assert len(finding.evidence) == 3


@time_machine.travel(NOW, tick=False)
def test_a_detector_failure_is_logged_and_the_record_kept(school, monkeypatch, caplog):
    child = enrolled_pupil(school=school)

    def broken(self, pupil_ids):
        raise RuntimeError("a detector fell over")

    monkeypatch.setattr(DatabaseFacts, "_load_chunk", broken)
    concern = make_concern(author=staff_member(school=school), pupil=child)
    with caplog.at_level(logging.ERROR, logger="patterns.services"):
        ran = run_pending_tasks()
    assert Concern.objects.filter(pk=concern.pk).exists()
    (failed,) = [t for t in ran if t.task_path == findings_refresh_queued.module_path]
    assert failed.status == "FAILED"
    assert "a detector fell over" in failed.traceback
    assert "the incremental run failed; the record was saved" in caplog.text
    assert "a detector fell over" in caplog.text


@time_machine.travel(NOW, tick=False)
def test_every_record_kind_refreshes_its_children(school, dsl, tmp_path, refreshed):
    child, other = enrolled_pupil(school=school), enrolled_pupil(school=school)
    teacher = staff_member(school=school)
    ids = sorted([str(child.pk), str(other.pk)])
    concern = concern_services.concern_record(
        actor=teacher,
        data=concern_services.ConcernInput(
            children=[
                concern_services.ChildPart(pupil=child, part="subject"),
                concern_services.ChildPart(pupil=other, part="witness"),
            ],
            occurred_at=NOW - timedelta(hours=1),
            facts="Saw it in the playground.",
        ),
    )
    run_pending_tasks()
    assert refreshed[-1] == ids
    steps: list[Callable[[], object]] = [
        lambda: concern_services.concern_amend(
            actor=dsl, concern=concern, facts="Better words.", child_words="", categories=[],
            reason="Typing error.",
        ),
        lambda: concern_services.decision_record(
            actor=dsl, concern=concern,
            data=concern_services.DecisionInput(outcome=Outcome.NO_FURTHER_ACTION, rationale="Seen."),
        ),
        lambda: concern_services.action_complete(
            actor=dsl, note="Done.",
            action=concern_services.action_assign(
                actor=dsl, concern=concern, assignee=dsl, description="Speak to mum",
                due_on=date(2025, 2, 10),
            ),
        ),
    ]  # fmt: skip
    for step in steps:
        step()
        run_pending_tasks()
        assert refreshed[-1] == ids
    only_child: list[Callable[[], object]] = [
        lambda: concern_services.behaviour_record(
            actor=teacher, pupil=child, occurred_at=NOW - timedelta(hours=1), incident_type="Shouting"
        ),
        lambda: concern_services.encompass_record(
            actor=dsl,
            data=concern_services.EncompassInput(
                pupils=[child], police_reference="PN-2", occurred_at=NOW - timedelta(hours=9),
                received_at=NOW - timedelta(hours=4), child_present=ChildPresent.NO,
                welfare_check_on=date(2025, 2, 3),
            ),
        ),
        lambda: voice_services.support_status_record(
            actor=dsl, pupil=child, level=SupportLevel.CIN, starts_on=date(2025, 2, 3), reason="Plan"
        ),
        lambda: import_text(tmp_path, weeks_csv(child, school, date(2025, 1, 27), ["N" * 10])),
    ]  # fmt: skip
    for step in only_child:
        step()
        run_pending_tasks()
        assert refreshed[-1] == [str(child.pk)]


def test_turned_off_for_bulk_loads(school, settings):
    settings.CAIRN_PATTERNS_INCREMENTAL = False
    announce_records_changed(pupil_ids=[enrolled_pupil(school=school).pk])
    assert not DBTaskResult.objects.exists()
    settings.CAIRN_PATTERNS_INCREMENTAL = True
    announce_records_changed(pupil_ids=[])
    assert not DBTaskResult.objects.exists()  # nothing to do: no task


def test_a_very_large_save_is_left_to_the_nightly_run(school, settings, caplog):
    settings.CAIRN_PATTERNS_INCREMENTAL_MAX_CHILDREN = 1
    children = [enrolled_pupil(school=school).pk for _ in range(2)]
    with caplog.at_level(logging.INFO, logger="patterns.services"):
        announce_records_changed(pupil_ids=children)
    assert not DBTaskResult.objects.exists()
    assert "2 children touched (more than 1); left to the nightly run" in caplog.text
