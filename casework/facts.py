"""Casework facts for the pattern detectors: `facts_for(pupil_ids, as_of)`.

The fact types live in `sources.facts`, below this app, so the detectors (above it) and the JSON
loader read them without this app knowing about detectors; `pattern_facts` is this app's entry in
`settings.PATTERN_FACT_SOURCES`. Each fact keeps when it happened and when it was written; a record
written after the end of `as_of`, or about a later day, is left out, so a detector asked "as of"
a past day sees what Cairn held then. An answer, a plan's end or a stage's outcome written later
than `as_of` is left off its fact in the same way.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from uuid import UUID

from django.utils import timezone

from casework.models import (
    AgencyContact,
    AgencyResponse,
    AgreedAbsence,
    ChildSighting,
    DayNote,
    EngagementEvent,
    EscalationStage,
    HouseholdChild,
    Leaving,
    Meeting,
    Plan,
)
from sources.facts import (
    AbsenceFact,
    ContactFact,
    EngagementFact,
    EscalationStageFact,
    FactParts,
    FactWindow,
    HouseholdChildFact,
    LeavingFact,
    MeetingFact,
    NoteFact,
    PlanFact,
    PupilFacts,
    ResponseFact,
)


@dataclass(frozen=True, slots=True)
class CaseworkFacts:
    pupil_id: UUID
    contacts: tuple[ContactFact, ...] = ()
    plans: tuple[PlanFact, ...] = ()
    meetings: tuple[MeetingFact, ...] = ()
    escalation_stages: tuple[EscalationStageFact, ...] = ()
    leavings: tuple[LeavingFact, ...] = ()
    absences: tuple[AbsenceFact, ...] = ()
    household_children: tuple[HouseholdChildFact, ...] = ()
    engagement: tuple[EngagementFact, ...] = ()
    notes: tuple[NoteFact, ...] = ()


@dataclass
class _Building:
    contacts: list[ContactFact] = field(default_factory=list)
    plans: list[PlanFact] = field(default_factory=list)
    meetings: list[MeetingFact] = field(default_factory=list)
    escalation_stages: list[EscalationStageFact] = field(default_factory=list)
    leavings: list[LeavingFact] = field(default_factory=list)
    absences: list[AbsenceFact] = field(default_factory=list)
    household_children: list[HouseholdChildFact] = field(default_factory=list)
    engagement: list[EngagementFact] = field(default_factory=list)
    notes: list[NoteFact] = field(default_factory=list)


# The kinds the pattern detectors read: meetings and notes are context they never count, so
# their refresh after each record does not query them.
DETECTOR_KINDS = frozenset(
    {"contacts", "plans", "escalation_stages", "leavings", "absences", "household_children",
     "engagement"}
)  # fmt: skip
ALL_KINDS = DETECTOR_KINDS | {"meetings", "notes"}


def facts_for(  # noqa: PLR0912 (one loop per kind of record, read top to bottom)
    pupil_ids: Iterable[UUID], as_of: date, *, kinds: frozenset[str] = ALL_KINDS
) -> dict[UUID, CaseworkFacts]:
    """Each child's casework facts as Cairn held them at the end of `as_of` (every child asked
    about has an entry, empty where there is nothing). Reads every school's records: detectors
    run for the child, and access is applied to the findings they raise."""
    ids = list(pupil_ids)
    end = timezone.make_aware(datetime.combine(as_of, time.max))
    known = {"recorded_at__lte": end}
    building = {pid: _Building() for pid in ids}

    responses: dict[UUID, list[ResponseFact]] = {}
    for r in AgencyResponse.objects.filter(
        contact__pupil_id__in=ids, received_on__lte=as_of, **known
    ).order_by("received_on", "recorded_at"):
        responses.setdefault(r.contact_id, []).append(
            ResponseFact(
                str(r.pk),
                r.kind,
                r.received_on,
                r.school_agrees,
                r.answer_expected_by,
                r.recorded_at,
            )
        )
    for c in AgencyContact.objects.filter(pupil_id__in=ids, contacted_on__lte=as_of, **known):
        building[c.pupil_id].contacts.append(
            ContactFact(
                str(c.pk),
                str(c.school_id),
                c.agency,
                c.purpose,
                c.contacted_on,
                str(c.referral_id) if c.referral_id else None,
                c.answer_expected_by,
                c.recorded_at,
                tuple(responses.get(c.pk, ())),
            )
        )
    for p in Plan.objects.filter(pupil_id__in=ids, started_on__lte=as_of, **known).select_related(
        "ending"
    ):
        ending = p.ending_or_none
        if ending is not None and (ending.recorded_at > end or ending.ended_on > as_of):
            ending = None
        building[p.pupil_id].plans.append(
            PlanFact(
                str(p.pk),
                p.kind,
                p.cp_category,
                p.started_on,
                ending.ended_on if ending else None,
                ending.reason if ending else "",
                p.recorded_at,
            )
        )
    meetings = Meeting.objects.filter(pupil_id__in=ids, held_on__lte=as_of, **known)
    for m in meetings if "meetings" in kinds else ():
        building[m.pupil_id].meetings.append(
            MeetingFact(
                str(m.pk),
                m.kind,
                m.held_on,
                tuple(m.agencies_present),
                m.minutes_spent,
                m.recorded_at,
            )
        )
    stages = EscalationStage.objects.filter(
        escalation__pupil_id__in=ids, started_on__lte=as_of, **known
    ).select_related("escalation", "outcome")
    for s in stages:
        outcome = getattr(s, "outcome", None)
        if outcome is not None and (outcome.recorded_at > end or outcome.decided_on > as_of):
            outcome = None
        building[s.escalation.pupil_id].escalation_stages.append(
            EscalationStageFact(
                str(s.pk),
                str(s.escalation_id),
                s.position,
                s.name,
                s.started_on,
                s.due_on,
                outcome.kind if outcome else None,
                outcome.decided_on if outcome else None,
                s.recorded_at,
            )
        )
    for left in Leaving.objects.filter(pupil_id__in=ids, left_on__lte=as_of, **known):
        building[left.pupil_id].leavings.append(
            LeavingFact(
                str(left.pk),
                str(left.school_id),
                left.left_on,
                left.reason,
                left.open_concerns,
                left.recorded_at,
            )
        )
    for a in AgreedAbsence.objects.filter(
        pupil_id__in=ids, starts_on__lte=as_of, **known
    ).select_related("returned"):
        back = a.return_or_none
        returned = (
            back.returned_on
            if back and back.recorded_at <= end and back.returned_on <= as_of
            else None
        )
        building[a.pupil_id].absences.append(
            AbsenceFact(str(a.pk), a.starts_on, a.expected_back_on, returned, a.recorded_at)
        )
    seen: dict[UUID, date] = {}
    for sighting in ChildSighting.objects.filter(
        child__pupil_id__in=ids, seen_on__lte=as_of, **known
    ).order_by("seen_on"):
        seen[sighting.child_id] = sighting.seen_on
    for h in HouseholdChild.objects.filter(pupil_id__in=ids, **known):
        building[h.pupil_id].household_children.append(
            HouseholdChildFact(
                str(h.pk), h.date_of_birth, h.setting_kind, seen.get(h.pk), h.recorded_at
            )
        )
    for e in EngagementEvent.objects.filter(pupil_id__in=ids, occurred_on__lte=as_of, **known):
        building[e.pupil_id].engagement.append(
            EngagementFact(
                str(e.pk),
                e.kind,
                e.occurred_on,
                e.appointment_kind,
                e.explained_event,
                e.checked,
                e.recorded_at,
            )
        )
    notes = DayNote.objects.filter(pupil_id__in=ids, noted_on__lte=as_of, **known)
    for n in notes if "notes" in kinds else ():
        building[n.pupil_id].notes.append(NoteFact(str(n.pk), n.tone, n.noted_on, n.recorded_at))

    def ordered[T](items: list[T], key: str) -> tuple[T, ...]:
        return tuple(sorted(items, key=lambda item: (getattr(item, key), item.recorded_at)))  # type: ignore[attr-defined]

    return {
        pid: CaseworkFacts(
            pupil_id=pid,
            contacts=ordered(b.contacts, "contacted_on"),
            plans=ordered(b.plans, "started_on"),
            meetings=ordered(b.meetings, "held_on"),
            escalation_stages=ordered(b.escalation_stages, "started_on"),
            leavings=ordered(b.leavings, "left_on"),
            absences=ordered(b.absences, "starts_on"),
            household_children=ordered(b.household_children, "date_of_birth"),
            engagement=ordered(b.engagement, "occurred_on"),
            notes=ordered(b.notes, "noted_on"),
        )
        for pid, b in building.items()
    }


def pattern_facts(*, pupils: Mapping[str, PupilFacts], window: FactWindow) -> dict[str, FactParts]:
    """This app's facts for the pattern detectors (a `sources.facts.FactsFor`): the kinds they
    read. History does not expire, so every record written by the cut is read, not only the
    window's."""
    found = facts_for([UUID(pid) for pid in pupils], window.as_of, kinds=DETECTOR_KINDS)
    return {
        str(pid): FactParts(
            contacts=list(f.contacts),
            plans=list(f.plans),
            meetings=list(f.meetings),
            escalation_stages=list(f.escalation_stages),
            leavings=list(f.leavings),
            absences=list(f.absences),
            household_children=list(f.household_children),
            engagement=list(f.engagement),
            notes=list(f.notes),
        )
        for pid, f in found.items()
    }
