"""Findings read in words (issue 22): each evidence row's author's role and the record's own
words for every kind of record, households named by their children, the findings lines of the
front sheet's summary and the pupil list's flags, and detector settings in words."""

from datetime import timedelta

from django.utils import timezone

from concerns.models import BehaviourIncident, EncompassNotification, Outcome
from concerns.tests.factories import make_concern, make_decision
from factors.models import KnownFactor
from patterns import glance, selectors
from patterns.forms import _code_list, _shown
from patterns.models import FindingSubject
from patterns.selectors import evidence, households
from patterns.tests.factories import FindingFactory
from pupils.tests.factories import HouseholdFactory, HouseholdMemberFactory, PupilFactory
from voice.tests.factories import voice_entry


def test_every_kind_of_record_gives_its_authors_role_and_its_own_words(school, dsl, teacher, pupil):
    from concerns import services

    concern = make_concern(author=teacher, pupil=pupil, facts="  No   coat\nagain. ")
    decision = make_decision(dsl=dsl, concern=concern, outcome=Outcome.MONITOR)
    action = services.action_assign(
        actor=dsl,
        concern=concern,
        assignee=dsl,
        description="Ring home",
        due_on=timezone.localdate(),
    )
    entry = voice_entry(pupil=pupil, recorded_by=teacher, words="I was hungry")
    now = timezone.now()
    incident = BehaviourIncident.objects.create(
        school=school,
        pupil=pupil,
        occurred_at=now,
        incident_type="Disruption",
        description="Threw a chair",
        author_name="T",
        recorded_at=now,
    )
    notice = EncompassNotification.objects.create(
        school=school,
        police_reference="P1",
        occurred_at=now,
        received_at=now,
        child_present="yes",
        details="Police called to the home overnight",
        welfare_check_on=timezone.localdate(),
        recorded_by=dsl,
        recorded_at=now,
    )
    factor = KnownFactor.objects.create(
        school=school,
        pupil=pupil,
        code="3B",
        source="assessment",
        known_from=timezone.localdate(),
        recorded_by=dsl,
        recorded_at=now,
    )
    words = evidence._record_words
    assert words("concern", str(concern.pk)) == ("Member of staff", "No coat again.")
    role, text = words("decision", str(decision.pk))
    assert role == "Designated safeguarding lead"
    assert text.startswith("Monitor: Pattern of neglect")
    assert words("action", str(action.pk)) == ("Designated safeguarding lead", "Ring home")
    assert words("voice", str(entry.pk)) == ("Member of staff", "I was hungry")
    assert words("behaviour", str(incident.pk)) == ("", "Disruption: Threw a chair")
    assert words("encompass", str(notice.pk))[1] == "Police called to the home overnight"
    role, text = words("factor:known", str(factor.pk))
    assert role == "Designated safeguarding lead"
    assert "domestic" in text.lower()
    missing = "0b7a6c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b"
    for kind in ("concern", "decision", "action", "voice", "behaviour", "encompass"):
        assert words(kind, missing) == ("", "")
    assert words("factor:known", missing) == ("", "")
    assert words("attendance", str(pupil.pk)) == ("", "")
    assert words("concern", "from-a-file") == ("", "")
    assert evidence._excerpt("word " * 60).endswith("…")
    assert len(evidence._excerpt("word " * 60)) <= evidence.EXCERPT_LENGTH + 1
    assert evidence._role(None) == ""


def test_evidence_labels_and_dates_read_as_words():
    assert evidence._evidence_label("concern") == "Concern"
    assert evidence._evidence_label("factor:3B").startswith("Household factor: ")
    assert "3B" not in evidence._evidence_label("factor:3B")
    assert evidence._evidence_label("some_kind") == "Some kind"
    assert evidence._as_date("2025-01-13") == timezone.datetime(2025, 1, 13).date()
    assert evidence._as_date("last week") is None


def test_households_are_named_by_their_children(school, dsl, pupil):
    home = HouseholdFactory()
    older = PupilFactory(legal_forename="Cal", legal_surname="Testchild")
    HouseholdMemberFactory(household=home, pupil=pupil)
    HouseholdMemberFactory(household=home, pupil=older)
    empty = HouseholdFactory()
    labels = selectors.household_labels([str(home.pk), str(empty.pk), "not-an-id"])
    assert labels[str(home.pk)].startswith("the household of ")
    assert " and " in labels[str(home.pk)]
    assert labels[str(empty.pk)] == "a household"
    assert "not-an-id" not in labels
    assert households._names(["Ava"]) == "Ava"
    assert households._names(["A", "B", "C"]) == "A, B and C"
    # A finding about the household shows on each child's summary, and in the list's flags.
    FindingFactory(
        school=school,
        pupil=None,
        subject_kind=FindingSubject.HOUSEHOLD,
        household_id=str(home.pk),
        detector="no-such-detector",
    )
    rows = selectors.household_findings_for_pupil(viewer=dsl, pupil_id=older.pk)
    assert rows[0]["summary"] == "no-such-detector"
    assert rows[0]["household"].startswith("the household of")
    [line] = glance.front_sheet_glance(viewer=dsl, pupil=older)
    assert line.value == "None about the child, 1 about the household"
    flags = glance.list_flags(viewer=dsl, pupil_ids=[pupil.pk, older.pk])
    assert [f.text for f in flags[older.pk]] == ["1 open finding"]
    lonely = PupilFactory()
    assert selectors.household_findings_for_pupil(viewer=dsl, pupil_id=lonely.pk) == []
    assert glance.front_sheet_glance(viewer=dsl, pupil=lonely)[0].value == "None open"
    assert glance.list_flags(viewer=dsl, pupil_ids=[lonely.pk]) == {}


def test_the_findings_lines_are_for_finding_readers_only(teacher, governor, pupil, school):
    FindingFactory(school=school, pupil=pupil, detector="unknown-one")
    assert glance.front_sheet_glance(viewer=teacher, pupil=pupil) == []
    assert glance.list_flags(viewer=governor, pupil_ids=[pupil.pk]) == {}


def test_the_findings_line_counts_the_childs_own(dsl, school, pupil):
    FindingFactory(school=school, pupil=pupil)
    [line] = glance.front_sheet_glance(viewer=dsl, pupil=pupil)
    assert line.value == "1 about the child"
    assert line.items[0].tag == "Consider"
    flags = glance.list_flags(viewer=dsl, pupil_ids=[pupil.pk])  # no household findings at all
    assert [f.text for f in flags[pupil.pk]] == ["1 open finding"]
    rows = selectors.findings_for_pupil(viewer=dsl, pupil_id=pupil.pk)
    assert rows[0]["summary"].startswith("Several small signs of neglect")


def test_a_settings_list_is_shown_in_the_words_of_the_list_it_belongs_to():
    assert _code_list(frozenset({"hunger", "late_collection"})) == "indicator"
    assert _code_list(frozenset({"upper_back"}), frozenset()) == "body_region"
    assert _code_list(frozenset({"not a code"})) is None
    assert _code_list(frozenset(), 3) is None
    assert _code_list(frozenset({"3B"})) == "cin_factor"
    assert _code_list(frozenset({"WBRI"})) is None  # "White, British": its words hold commas
    assert _shown(frozenset({"late_collection"}), "indicator") == "Collected late"
    assert _shown(frozenset(), "indicator") == "none"
    assert _shown(True) == "yes"
    assert _shown(timedelta(days=1)) == "1 day, 0:00:00"
