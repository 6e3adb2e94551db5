"""Facts for the detectors: plain frozen dataclasses, read "as of" a day, so a record written
later, or an answer, end or outcome recorded after that day, is not yet known."""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from casework.facts import CaseworkFacts, facts_for
from casework.models import PlanEnding
from casework.tests.factories import (
    AgencyContactFactory,
    AgencyResponseFactory,
    DayNoteFactory,
    EscalationStageFactory,
    MeetingFactory,
    PlanFactory,
)
from pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))


def test_every_child_asked_about_has_facts_even_with_nothing(pupil):
    stranger = PupilFactory()
    facts = facts_for([pupil.pk, stranger.pk], D(2026, 3, 2))
    assert facts[stranger.pk] == CaseworkFacts(pupil_id=stranger.pk)
    assert dataclasses.is_dataclass(facts[pupil.pk])
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts[pupil.pk].plans = ()


def test_as_of_leaves_out_what_was_written_later(dsl, pupil):
    contact = AgencyContactFactory(
        pupil=pupil, recorded_by=dsl, contacted_on=D(2026, 1, 5), recorded_at=_at(D(2026, 1, 5))
    )
    AgencyResponseFactory(
        contact=contact, received_on=D(2026, 1, 7), recorded_at=_at(D(2026, 1, 9))
    )
    plan = PlanFactory(
        pupil=pupil,
        recorded_by=dsl,
        kind="cp",
        cp_category="NEG",
        started_on=D(2026, 1, 12),
        recorded_at=_at(D(2026, 1, 12)),
    )
    PlanEnding.objects.create(
        plan=plan,
        ended_on=D(2026, 2, 2),
        reason="stepped_down",
        recorded_by=dsl,
        recorded_at=_at(D(2026, 2, 3)),
    )
    # Written on 20 January about a day in December: not known on 10 January.
    DayNoteFactory(
        pupil=pupil, recorded_by=dsl, noted_on=D(2025, 12, 12), recorded_at=_at(D(2026, 1, 20))
    )
    MeetingFactory(
        pupil=pupil, recorded_by=dsl, held_on=D(2026, 1, 8), recorded_at=_at(D(2026, 1, 8))
    )
    EscalationStageFactory(
        escalation__response__contact=contact,
        started_on=D(2026, 1, 9),
        due_on=D(2026, 1, 14),
        recorded_at=_at(D(2026, 1, 9)),
    )

    early = facts_for([pupil.pk], D(2026, 1, 8))[pupil.pk]
    [c] = early.contacts
    assert c.responses == ()  # the answer was written on the 9th
    assert early.plans == ()
    assert [m.held_on for m in early.meetings] == [D(2026, 1, 8)]
    assert early.notes == ()
    assert early.escalation_stages == ()

    mid = facts_for([pupil.pk], D(2026, 2, 2))[pupil.pk]
    latest = mid.contacts[0].latest
    assert latest is not None
    assert latest.kind == "nfa"
    [p] = mid.plans
    assert (p.kind, p.cp_category, p.ended_on) == ("cp", "NEG", None)  # end written on the 3rd
    assert [n.noted_on for n in mid.notes] == [D(2025, 12, 12)]
    [s] = mid.escalation_stages
    assert (s.due_on, s.outcome) == (D(2026, 1, 14), None)

    late = facts_for([pupil.pk], D(2026, 2, 3))[pupil.pk]
    assert late.plans[0].ended_on == D(2026, 2, 2)
    assert late.plans[0].end_reason == "stepped_down"
