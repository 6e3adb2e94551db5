"""Casework's records reach the detectors: from a fact file (every kind, with errors that name
where), from the database (`casework.facts.pattern_facts` in settings.PATTERN_FACT_SOURCES), and
in both cases only as they stood at the end of the day asked."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import EngagementEvent
from casework.tests.factories import AgencyContactFactory, AgencyResponseFactory
from patterns.db_loader import DatabaseFacts, fact_sources
from patterns.engine import run, visible_as_of
from patterns.loaders import FactFileError, store_from_items
from patterns.selectors import evidence_rows
from patterns.tests.builders import absence, contact, household_child, plan, pupil, stage
from patterns.tests.factories import FindingFactory

D = datetime.date
CHILD = {"type": "pupil", "id": "p1", "upn": "A980200025001", "school_id": "s1"}
CHILD["date_of_birth"] = "2016-05-17"


def fact(type_: str, fid: str, **fields):
    return {"type": type_, "id": fid, "pupil_id": "p1", **fields}


def _load(*facts):
    store = store_from_items([CHILD, *facts])
    return store.pupil_facts("p1")


def test_every_casework_kind_reads_from_a_fact_file():
    answers: list[dict[str, Any]] = [
        {"id": "r2", "kind": "nfa", "received_on": "2025-01-25", "school_agrees": False},
        {"id": "r1", "kind": "no_answer", "received_on": "2025-01-13"},
    ]
    answers[1]["answer_expected_by"] = "2025-01-20"
    child = _load(
        fact("contact", "a1", agency="social_care", contacted_on="2025-01-12",
             referral_decision_id="d1", responses=answers),
        fact("plan", "pl1", kind="cp", cp_category="NEG", started_on="2021-03-01",
             ended_on="2022-01-10", end_reason="stepped_down"),
        fact("meeting", "m1", kind="strategy", held_on="2025-01-14",
             agencies_present=["police", "social_care"], minutes_spent=60),
        fact("escalation_stage", "s1", escalation_id="x1", started_on="2025-01-27",
             due_on="2025-02-03", outcome="next", decided_on="2025-02-01"),
        fact("escalation_stage", "s2", escalation_id="x1", position=2, started_on="2025-02-01",
             due_on="2025-02-08"),
        fact("leaving", "l1", left_on="2025-03-01", reason="ehe", open_concerns=2),
        fact("agreed_absence", "aa1", starts_on="2025-02-10", expected_back_on="2025-02-17"),
        fact("household_child", "hc1", date_of_birth="2024-02-01", last_seen_on="2025-01-02"),
        fact("engagement", "g1", kind="explanation", occurred_on="2025-01-11",
             explained_event="injury", checked="not_checked"),
        fact("note", "n1", noted_on="2025-01-15"),
    )  # fmt: skip
    [answer_wait, _] = child.contacts[0].responses
    assert (answer_wait.id, answer_wait.answer_expected_by) == ("r1", D(2025, 1, 20))
    assert (child.contacts[0].latest.kind, child.contacts[0].latest.school_agrees) == ("nfa", False)
    assert child.contacts[0].referral_decision_id == "d1"
    assert child.contacts[0].purpose == "referral"
    assert (child.plans[0].ended_on, child.plans[0].end_reason) == (D(2022, 1, 10), "stepped_down")
    assert child.meetings[0].agencies_present == ("police", "social_care")
    assert [(s.id, s.outcome, s.decided_on) for s in child.escalation_stages] == [
        ("s1", "next", D(2025, 2, 1)),
        ("s2", None, None),
    ]
    assert (child.leavings[0].reason, child.leavings[0].open_concerns) == ("ehe", 2)
    assert child.absences[0].returned_on is None
    assert (child.household_children[0].setting_kind, child.household_children[0].last_seen_on) == (
        "none",
        D(2025, 1, 2),
    )
    assert child.engagement[0].checked == "not_checked"
    assert child.notes[0].tone == "neutral"


def test_a_contacts_answers_must_be_a_list_and_each_answer_is_named_in_errors():
    with pytest.raises(FactFileError, match="fact 2, field 'responses'"):
        _load(fact("contact", "a1", agency="gp", contacted_on="2025-01-12", responses={}))
    answers = [{"id": "r1", "kind": "nfa"}]
    with pytest.raises(FactFileError, match="fact 2, answer 1, field 'received_on'"):
        _load(fact("contact", "a1", agency="gp", contacted_on="2025-01-12", responses=answers))


def test_the_engine_sees_casework_only_as_it_stood_on_the_day():
    child = pupil(
        contacts=(
            contact("a1", "2025-01-12", answer="nfa", answered="2025-01-28"),
            contact("a2", "2025-03-01"),
        ),
        plans=(plan("pl1", "2025-01-01", "2025-02-01"), plan("pl2", "2025-03-01")),
        escalation_stages=(
            stage("s1", "2025-01-27", "next", "2025-02-03"),
            stage("s2", "2025-03-01"),
        ),
        absences=(
            absence("aa1", "2025-01-06", "2025-01-13", returned="2025-02-03"),
            absence("aa2", "2025-03-01", "2025-03-08"),
        ),
        household_children=(
            household_child("hc1", "2024-02-01", "2025-01-02", seen="2025-02-03"),
            household_child("hc2", "2024-02-01", "2025-03-01"),
        ),
    )
    early = visible_as_of(child, D(2025, 1, 27))
    assert [c.responses for c in early.contacts] == [()]
    assert [(p.id, p.ended_on) for p in early.plans] == [("pl1", None)]
    assert [(s.id, s.outcome) for s in early.escalation_stages] == [("s1", None)]
    assert [(a.id, a.returned_on) for a in early.absences] == [("aa1", None)]
    assert [(h.id, h.last_seen_on) for h in early.household_children] == [("hc1", None)]
    later = visible_as_of(child, D(2025, 2, 10))
    assert later.contacts[0].latest.kind == "nfa"
    assert later.plans[0].ended_on == D(2025, 2, 1)
    assert later.escalation_stages[0].outcome == "next"
    assert later.absences[0].returned_on == D(2025, 2, 3)
    assert later.household_children[0].last_seen_on == D(2025, 2, 3)


@pytest.mark.django_db
def test_the_database_gives_casework_facts_to_the_detectors(dsl, pupil):
    fact_sources.cache_clear()
    today = timezone.localdate()
    contact_ = AgencyContactFactory(
        pupil=pupil, recorded_by=dsl, contacted_on=today - datetime.timedelta(days=30)
    )
    AgencyResponseFactory(contact=contact_, received_on=today - datetime.timedelta(days=20))
    EngagementEvent.objects.create(
        school=dsl.school,
        pupil=pupil,
        kind="refused",
        occurred_on=today - datetime.timedelta(days=3),
        adult="Mum",
        details="Would not let the family support worker in.",
        recorded_by=dsl,
        recorded_at=timezone.now(),
    )
    source = DatabaseFacts(as_of=today).source()
    [child] = source.pupils([str(pupil.pk)], today)
    assert child.contacts[0].latest.kind == "nfa"
    assert child.engagement[0].kind == "refused"
    found = {r.detector for r in run(source, as_of=today, pupil_ids=[str(pupil.pk)]).raised}
    assert "parent-non-engagement" in found


@pytest.mark.django_db
def test_casework_evidence_is_named_and_opens_the_childs_chronology(dsl, other_school_dsl, pupil):
    contact_ = AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    finding = FindingFactory(
        school=dsl.school,
        pupil=pupil,
        detector="escalation-needed",
        evidence=[{"date": "2025-10-06", "kind": "agency_contact", "id": str(contact_.pk)}],
    )
    (row,) = evidence_rows(viewer=dsl, finding=finding)
    assert row["label"] == "Contact with another agency"
    assert row["url"] == reverse("chronology:pupil", args=[pupil.pk])
    (row,) = evidence_rows(viewer=other_school_dsl, finding=finding)
    assert row["url"] is None
