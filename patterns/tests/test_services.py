"""Findings in the database: raise, refresh, stale, decide, raise again, settings; all audited."""

import dataclasses
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from audit.models import AuditAction, AuditEvent
from patterns.engine import FactSource, RunResult, run
from patterns.facts import PupilFacts
from patterns.models import DetectorSettings, Finding, FindingDecision, FindingOutcome
from patterns.registry import EvidenceRef, Raised, Severity, SubjectKind
from patterns.selectors import configs_for_schools, findings_for_school
from patterns.services import detector_settings_set, finding_decide, findings_refresh
from patterns.tests.builders import TZ, concern, factor, household

SIGNS = (
    concern("c1", "2025-01-13", "hunger", author="a"),
    concern("c2", "2025-01-22", "hygiene", author="b"),
    concern("c3", "2025-02-03", "clothing", author="a"),
)
NOW = datetime(2025, 2, 3, 18, 0, tzinfo=TZ)


def _facts(pupil, school, *concerns, households=frozenset()) -> PupilFacts:
    return PupilFacts(
        pupil_id=str(pupil.pk),
        upn=pupil.upn,
        school_id=str(school.pk),
        date_of_birth=pupil.date_of_birth,
        household_ids=households,
        concerns=tuple(dataclasses.replace(c, pupil_id=str(pupil.pk)) for c in concerns),
    )


def _run(facts, as_of="2025-02-03", households=(), only=("cumulative-neglect",)) -> RunResult:
    source = FactSource(pupils=lambda ids, _: [facts], households=lambda ids, _: list(households))
    return run(source, as_of=date.fromisoformat(as_of), only=set(only))


@pytest.fixture
def neglect_run(pupil, school):
    return _run(_facts(pupil, school, *SIGNS))


def test_a_run_raises_a_finding_and_audits_the_refresh(neglect_run, pupil, school):
    summary = findings_refresh(actor=None, result=neglect_run, now=NOW)
    assert summary.raised == 1
    [finding] = Finding.objects.all()
    assert (finding.school, finding.pupil, finding.subject_kind) == (school, pupil, "pupil")
    assert finding.detector == "cumulative-neglect"
    assert finding.severity == Severity.CONSIDER
    assert [e["id"] for e in finding.evidence] == ["c1", "c2", "c3"]
    assert finding.inputs_hash == neglect_run.raised[0].inputs_hash
    assert finding.first_raised_at == NOW
    assert str(finding).startswith("cumulative-neglect about pupil")
    event = AuditEvent.objects.get(action=AuditAction.FINDINGS_REFRESHED)
    assert event.details["raised"] == 1
    assert event.details["as_of"] == "2025-02-03"
    assert summary.line() == "1 raised, 0 raised again, 0 updated, 0 unchanged, 0 gone stale"


def test_refreshing_with_the_same_inputs_changes_nothing(neglect_run):
    findings_refresh(actor=None, result=neglect_run, now=NOW)
    later = NOW + timedelta(days=1)
    summary = findings_refresh(actor=None, result=neglect_run, now=later)
    assert (summary.raised, summary.unchanged) == (0, 1)
    [finding] = Finding.objects.all()
    assert finding.first_raised_at == NOW
    assert finding.last_seen_at == later


def test_new_evidence_before_any_decision_updates_the_finding(pupil, school, neglect_run):
    findings_refresh(actor=None, result=neglect_run, now=NOW)
    more = _run(
        _facts(pupil, school, *SIGNS, concern("c4", "2025-02-05", "tiredness", author="c")),
        "2025-02-05",
    )
    assert findings_refresh(actor=None, result=more, now=NOW).updated == 1
    [finding] = Finding.objects.all()
    assert [e["id"] for e in finding.evidence] == ["c1", "c2", "c3", "c4"]
    assert finding.as_of == date(2025, 2, 5)


def test_a_finding_no_longer_raised_goes_stale_and_comes_back(dsl, pupil, school, neglect_run):
    findings_refresh(actor=None, result=neglect_run, now=NOW)
    gone = _run(_facts(pupil, school, *SIGNS), "2025-04-30")
    assert gone.raised == ()
    assert findings_refresh(actor=None, result=gone, now=NOW).stale == 1
    assert Finding.objects.get().stale
    assert findings_refresh(actor=None, result=gone, now=NOW).stale == 0  # already stale
    findings_refresh(actor=None, result=neglect_run, now=NOW)
    finding = Finding.objects.get()
    assert not finding.stale
    assert finding.stale_since is None
    assert findings_for_school(school_id=school.pk).count() == 1
    findings_refresh(actor=None, result=gone, now=NOW)
    # Aged out before anyone decided: it stays in the inbox, "no longer current, not decided".
    assert findings_for_school(school_id=school.pk).count() == 1
    finding_decide(
        actor=dsl, finding=finding, outcome=FindingOutcome.NOT_A_CONCERN_NOW, rationale="Seen."
    )
    assert findings_for_school(school_id=school.pk).count() == 0
    assert findings_for_school(school_id=school.pk, include_stale=True).count() == 1


def test_deciding_requires_the_matching_text_and_is_audited(dsl, neglect_run, pupil):
    findings_refresh(actor=None, result=neglect_run, now=NOW)
    finding = Finding.objects.get()
    for outcome, field in (
        (FindingOutcome.NOT_A_CONCERN_NOW, "rationale"),
        (FindingOutcome.ACTED_ON, "action_taken"),
        (FindingOutcome.LINKED_TO_CASE, "case_reference"),
    ):
        with pytest.raises(ValidationError) as error:
            finding_decide(actor=dsl, finding=finding, outcome=outcome, rationale=" ")
        assert field in error.value.message_dict
    decision = finding_decide(
        actor=dsl,
        finding=finding,
        outcome=FindingOutcome.NOT_A_CONCERN_NOW,
        rationale="Spoke with mum: new baby, grandmother now helping each morning.",
    )
    assert finding.latest_decision == decision
    assert str(decision).startswith("Not a concern now on")
    event = AuditEvent.objects.get(action=AuditAction.FINDING_DECIDED)
    assert event.pupil_id == pupil.pk
    assert event.reason.startswith("Spoke with mum")
    assert event.details["outcome"] == "not_a_concern_now"
    assert event.target_id == str(decision.pk)


def test_only_the_schools_dsl_team_decides(neglect_run, other_school_dsl, teacher):
    findings_refresh(actor=None, result=neglect_run, now=NOW)
    finding = Finding.objects.get()
    for actor in (other_school_dsl, teacher):
        with pytest.raises(ValidationError, match="DSL team"):
            finding_decide(
                actor=actor, finding=finding, outcome=FindingOutcome.ACTED_ON, action_taken="x"
            )
    assert not FindingDecision.objects.exists()


def test_new_evidence_after_not_a_concern_raises_it_again_showing_what_is_new(
    dsl, pupil, school, neglect_run
):
    findings_refresh(actor=None, result=neglect_run, now=NOW)
    first = Finding.objects.get()
    finding_decide(
        actor=dsl, finding=first, outcome=FindingOutcome.NOT_A_CONCERN_NOW, rationale="Explained."
    )
    # The window slides and an old sign drops out: nothing new, so no new finding.
    slid = _run(
        _facts(pupil, school, *SIGNS, concern("c0", "2024-12-20", "hunger", author="z")),
        "2025-02-03",
    )
    assert findings_refresh(actor=None, result=slid, now=NOW).unchanged == 1
    fewer = dataclasses.replace(
        neglect_run,
        raised=(
            dataclasses.replace(neglect_run.raised[0], evidence=neglect_run.raised[0].evidence[1:]),
        ),
    )
    assert findings_refresh(actor=None, result=fewer, now=NOW).unchanged == 1
    assert Finding.objects.count() == 1
    more = _run(
        _facts(pupil, school, *SIGNS, concern("c4", "2025-02-10", "tiredness", author="c")),
        "2025-02-10",
    )
    assert findings_refresh(actor=None, result=more, now=NOW).raised_again == 1
    again = Finding.objects.get(is_current=True)
    assert again.supersedes == first
    assert again.new_evidence == [{"kind": "concern", "id": "c4", "date": "2025-02-10"}]
    first.refresh_from_db()
    assert not first.is_current
    assert again.latest_decision is None


def test_a_household_finding_for_each_school_of_the_household(pupil, school, other_school):
    from pupils.tests.factories import EnrolmentFactory, PupilFactory

    sibling = PupilFactory()
    EnrolmentFactory(pupil=sibling, school=other_school)
    here = _facts(pupil, school, households=frozenset({"h1"}))
    there = _facts(sibling, other_school, households=frozenset({"h1"}))
    home = household(
        here,
        there,
        factors=[
            factor("f1", "2025-01-08", "domestic_abuse_household"),
            factor("f2", "2025-01-20", "parental_mental_health"),
        ],
    )
    source = FactSource(pupils=lambda ids, _: [here, there], households=lambda ids, _: [home])
    result = run(source, as_of=date(2025, 2, 3), only={"trio"})
    assert findings_refresh(actor=None, result=result, now=NOW).raised == 2
    assert set(Finding.objects.values_list("school", "household_id", "subject_kind")) == {
        (school.pk, "h1", "household"),
        (other_school.pk, "h1", "household"),
    }
    assert str(Finding.objects.first()).endswith("household h1")
    # A run limited to one school leaves the other school's finding alone.
    quiet = dataclasses.replace(
        run(source, as_of=date(2025, 2, 3), only={"trio"}, school_ids=[str(school.pk)]), raised=()
    )
    assert quiet.school_ids == frozenset({str(school.pk)})
    assert findings_refresh(actor=None, result=quiet, now=NOW).stale == 1
    assert Finding.objects.get(school=other_school).stale is False


def _raised(subject: str, school_id: str) -> RunResult:
    ref = EvidenceRef(on=date(2025, 1, 1), kind="concern", id="c1")
    raised = Raised(
        SubjectKind.PUPIL,
        subject,
        Severity.CONSIDER,
        "x",
        (ref,),
        "injuries",
        1,
        frozenset({school_id}),
    )
    return RunResult(
        date(2025, 1, 1), (raised,), frozenset({subject}), frozenset(), (("injuries", 1),)
    )


def test_ids_that_are_not_in_the_database_are_refused(pupil, school):
    import uuid

    for result, message in (
        (_raised("p1", str(school.pk)), "child 'p1' is not a database id"),
        (_raised(str(uuid.uuid4()), str(school.pk)), "no child with id"),
        (_raised(str(pupil.pk), str(uuid.uuid4())), "no school with id"),
    ):
        with pytest.raises(ValueError, match=message):
            findings_refresh(actor=None, result=result)
    assert not Finding.objects.exists()


def test_detector_settings_are_stored_validated_applied_and_audited(dsl, school):
    row = detector_settings_set(
        actor=dsl,
        school=school,
        detector="cumulative-neglect",
        enabled=True,
        values={"min_signs": 4, "window_days": 42},
    )
    assert row.values == {"min_signs": 4}  # the default is not stored
    assert str(row) == f"cumulative-neglect at {school}"
    detector_settings_set(
        actor=dsl, school=school, detector="trio", enabled=False, values={"domestic_abuse": ["x"]}
    )
    with pytest.raises(ValidationError, match="must be a whole number"):
        detector_settings_set(
            actor=dsl, school=school, detector="trio", enabled=True, values={"min_parts": "2"}
        )
    configs = configs_for_schools([str(school.pk)])(str(school.pk))
    assert configs["cumulative-neglect"].min_signs == 4
    assert configs["trio"] is None
    assert configs["injuries"].min_injuries == 2
    events = AuditEvent.objects.filter(action=AuditAction.DETECTOR_SETTINGS_CHANGED)
    assert events.count() == 2
    assert events.first().details["before"] is None
    detector_settings_set(
        actor=dsl, school=school, detector="cumulative-neglect", enabled=True, values={}
    )
    assert AuditEvent.objects.filter(action=AuditAction.DETECTOR_SETTINGS_CHANGED).last().details[
        "before"
    ] == {
        "enabled": True,
        "values": {"min_signs": 4},
    }
    assert DetectorSettings.objects.get(detector="cumulative-neglect").values == {}


@time_machine.travel(NOW)
def test_the_inbox_order_is_most_severe_then_newest(pupil, school, neglect_run, dsl):
    findings_refresh(actor=None, result=neglect_run, now=NOW)
    urgent = dataclasses.replace(
        _raised(str(pupil.pk), str(school.pk)),
        raised=(
            dataclasses.replace(
                _raised(str(pupil.pk), str(school.pk)).raised[0], severity=Severity.REVIEW_NOW
            ),
        ),
    )
    findings_refresh(actor=None, result=urgent, now=NOW - timedelta(days=3))
    assert [f.detector for f in findings_for_school(school_id=school.pk)] == [
        "injuries",
        "cumulative-neglect",
    ]


@time_machine.travel(NOW)
def test_the_incremental_run_for_the_children_a_record_touches(dsl, pupil, school):
    from patterns.services import findings_refresh_for_children

    detector_settings_set(actor=dsl, school=school, detector="injuries", enabled=False, values={})
    detector_settings_set(
        actor=dsl, school=school, detector="voice-absent", enabled=False, values={}
    )
    facts = _facts(pupil, school, *SIGNS)
    source = FactSource(
        pupils=lambda ids, _: [facts] if str(pupil.pk) in (ids or ()) else [],
        households=lambda ids, _: [],
    )
    summary = findings_refresh_for_children(actor=dsl, source=source, pupil_ids=[str(pupil.pk)])
    assert summary.raised == 1
    assert Finding.objects.get().as_of == date(2025, 2, 3)
