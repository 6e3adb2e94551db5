"""A child's casework page: the records of each kind the viewer may see (`casework_for`, as
`Casework` with `ContactRow` and `EscalationRow` rows), and which kinds of casework the child
has at all (`kinds_held`), for the front sheet's panel. Each reads through
`casework.access.visible`.
"""

from dataclasses import dataclass, field
from functools import cache
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from casework.access import CASEWORK_RECORDERS, visible
from casework.models import (
    AgencyContact,
    AgencyResponse,
    AgreedAbsence,
    ChildSighting,
    DayNote,
    EngagementEvent,
    Escalation,
    EscalationStage,
    HouseholdChild,
    Leaving,
    Meeting,
    Plan,
    ResponseKind,
)
from casework.selectors.social_care import _plans_seen
from pupils.models import Pupil
from schools.models import Membership


@dataclass(frozen=True, slots=True)
class ContactRow:
    contact: AgencyContact
    response: AgencyResponse | None
    earlier: tuple[AgencyResponse, ...]

    @property
    def waiting(self) -> bool:
        return self.response is None or self.response.kind == ResponseKind.NO_ANSWER

    @property
    def may_escalate(self) -> bool:
        return self.response is not None and self.response.school_agrees is False


@dataclass(frozen=True, slots=True)
class EscalationRow:
    escalation: Escalation
    stages: tuple[EscalationStage, ...]

    @property
    def current(self) -> EscalationStage | None:
        """The stage waiting for its outcome, if the escalation is still open."""
        last = self.stages[-1] if self.stages else None
        return last if last is not None and getattr(last, "outcome", None) is None else None

    @property
    def overdue(self) -> bool:
        current = self.current
        return current is not None and current.due_on < timezone.localdate()


@dataclass
class Casework:
    """Everything casework holds about one child that the viewer may read."""

    contacts: list[ContactRow] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    escalations: list[EscalationRow] = field(default_factory=list)
    leavings: list[Leaving] = field(default_factory=list)
    absences: list[AgreedAbsence] = field(default_factory=list)
    household_children: list[HouseholdChild] = field(default_factory=list)
    engagement: list[EngagementEvent] = field(default_factory=list)
    notes: list[DayNote] = field(default_factory=list)

    @property
    def current_plans(self) -> list[Plan]:
        return [p for p in self.plans if p.ending_or_none is None]

    @property
    def past_plans(self) -> list[Plan]:
        return [p for p in self.plans if p.ending_or_none is not None]

    @property
    def not_back(self) -> list[AgreedAbsence]:
        today = timezone.localdate()
        return [a for a in self.absences if a.return_or_none is None and a.expected_back_on < today]

    def record_ids(self) -> list[str]:
        rows: list[Any] = [
            *(c.contact for c in self.contacts),
            *self.plans,
            *self.meetings,
            *(e.escalation for e in self.escalations),
            *self.leavings,
            *self.absences,
            *self.household_children,
            *self.engagement,
            *self.notes,
        ]
        return [str(r.pk) for r in rows]


def _contact_rows(contacts: QuerySet[AgencyContact], *, brief: bool = False) -> list[ContactRow]:
    rows = []
    newest_first = AgencyResponse.objects.order_by("-received_on", "-recorded_at")
    if not brief:
        newest_first = newest_first.select_related("recorded_by__user")
    for contact in contacts.prefetch_related(Prefetch("responses", queryset=newest_first)):
        responses = list(contact.responses.all())
        rows.append(
            ContactRow(
                contact=contact,
                response=responses[0] if responses else None,
                earlier=tuple(responses[1:]),
            )
        )
    return rows


# Each kind of casework record about a child, by its field in `Casework`.
_KINDS: dict[str, type[Any]] = {
    "contacts": AgencyContact,
    "plans": Plan,
    "meetings": Meeting,
    "escalations": Escalation,
    "leavings": Leaving,
    "absences": AgreedAbsence,
    "household_children": HouseholdChild,
    "engagement": EngagementEvent,
    "notes": DayNote,
}


def kinds_held(*, viewer: Membership, pupil: Pupil) -> set[str]:
    """The kinds of casework record (`Casework`'s fields) the viewer may read about the child,
    in one query: most children have none, and then nothing more is read."""
    if viewer.role in CASEWORK_RECORDERS and viewer.school_id is not None:
        return _kinds_at_school(school_id=viewer.school_id, pupil_id=pupil.pk)
    held = {
        f"has_{name}": Exists(visible(model, viewer=viewer).filter(pupil_id=OuterRef("pk")))
        for name, model in _KINDS.items()
    }
    row = Pupil.objects.filter(pk=pupil.pk).values(**held).first() or {}
    return {name for name in _KINDS if row.get(f"has_{name}")}


@cache
def _kinds_sql(vendor: str) -> str:
    """One row, one column per kind of casework: true where the school holds a record of that
    kind about the child (`vendor`: the database it is written for). Written once: built by
    the ORM for each page, the same nine `EXISTS` cost a tenth of the front sheet's time
    (docs/performance.md). Only table and column names from the models are put in the text;
    the values are parameters."""
    quote = connection.ops.quote_name
    assert connection.vendor == vendor
    exists = [
        f"EXISTS(SELECT 1 FROM {quote(model._meta.db_table)} WHERE "  # noqa: S608
        f"{quote(model._meta.get_field('school').column)} = %s AND "
        f"{quote(model._meta.get_field('pupil').column)} = %s)"
        for model in _KINDS.values()
    ]
    return "SELECT " + ", ".join(exists)


def _kinds_at_school(*, school_id: UUID, pupil_id: UUID) -> set[str]:
    """`kinds_held` for the safeguarding team of a school (`visible`: the school's own records),
    the front sheet's usual reader."""
    school = Pupil._meta.pk.get_db_prep_value(school_id, connection)
    pupil = Pupil._meta.pk.get_db_prep_value(pupil_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(_kinds_sql(connection.vendor), [school, pupil] * len(_KINDS))
        row = cursor.fetchone()
    return {name for name, found in zip(_KINDS, row, strict=True) if found}


def casework_for(
    *, viewer: Membership, pupil: Pupil, held: set[str] | None = None, brief: bool = False
) -> Casework:
    """The child's casework the viewer may read, each kind newest first: one query says which
    kinds there are (`held`, where the caller has asked `kinds_held`), and only those are read.
    `brief` (the front sheet's panel): without who recorded each record, the reports of
    meetings and what contacts and escalations were about, which the panel does not show."""
    if held is None:
        held = kinds_held(viewer=viewer, pupil=pupil)

    def mine(model: Any) -> Any:
        rows = visible(model, viewer=viewer).filter(pupil=pupil)
        if brief:
            return rows
        return rows.select_related(
            "recorded_by__user" if model is not Escalation else "opened_by__user"
        )

    work = Casework()
    if "contacts" in held:
        contacts = mine(AgencyContact)
        if not brief:
            contacts = contacts.select_related("referral__concern")
        work.contacts = _contact_rows(contacts, brief=brief)
    if "plans" in held:
        work.plans = _plans_seen(viewer=viewer, pupil=pupil, brief=brief)
    if "meetings" in held:
        meetings = mine(Meeting)
        work.meetings = list(meetings if brief else meetings.prefetch_related("reports"))
    if "escalations" in held:
        stages = EscalationStage.objects.select_related("outcome").order_by("position")
        escalations = mine(Escalation).prefetch_related(Prefetch("stages", queryset=stages))
        if not brief:
            escalations = escalations.select_related("response__contact")
        work.escalations = [EscalationRow(e, tuple(e.stages.all())) for e in escalations]
    if "leavings" in held:
        work.leavings = list(mine(Leaving))
    if "absences" in held:
        work.absences = list(mine(AgreedAbsence).select_related("returned"))
    if "household_children" in held:
        sightings = ChildSighting.objects.order_by("-seen_on")
        work.household_children = list(
            mine(HouseholdChild).prefetch_related(Prefetch("sightings", queryset=sightings))
        )
    if "engagement" in held:
        work.engagement = list(mine(EngagementEvent))
    if "notes" in held:
        work.notes = list(mine(DayNote))
    return work
