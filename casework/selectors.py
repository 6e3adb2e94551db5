"""Reads: a child's casework page, the social-care status the front sheet shows, what is overdue
for the safeguarding team's inbox, and meeting time for the team-capacity view.

Each reader of a child's records takes `viewer` and reads through `casework.access.visible`, so a
school's team sees their school's records and a trust lead those of the trust's schools.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from casework.access import CASEWORK_RECORDERS, visible
from casework.models import (
    SOCIAL_CARE_PLANS,
    Agency,
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
    PlanKind,
    ResponseKind,
)
from concerns.models import ConcernPupil, Decision, Outcome
from pupils.models import Pupil
from pupils.selectors import SocialCareLine, read_once
from schools.models import Membership


def open_concern_count(*, school_id: UUID, pupil: Pupil) -> int:
    """Concerns about the child at the school not closed with no further action (no decision
    yet, or the current decision is anything but "no further action")."""
    closed = Exists(
        Decision.objects.filter(
            concern=OuterRef("concern"),
            superseded_by__isnull=True,
            outcome=Outcome.NO_FURTHER_ACTION,
        )
    )
    return (
        ConcernPupil.objects.filter(pupil=pupil, concern__school_id=school_id)
        .exclude(closed)
        .values("concern_id")
        .distinct()
        .count()
    )


def month_span(start: date, end: date | None) -> str:
    """ "Mar 2021 – Jan 2022", or "since Mar 2021" for a plan still open."""
    if end is None:
        return f"since {start:%b %Y}"
    return f"{start:%b %Y} – {end:%b %Y}"


def current_response(contact: AgencyContact) -> AgencyResponse | None:
    """The latest answer recorded for a contact (responses prefetched newest first)."""
    responses = list(contact.responses.all())
    return responses[0] if responses else None


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


# --- The front sheet's social-care status (settings.PUPIL_SOCIAL_CARE_STATUS_SOURCE) -----------


def _ended_on(plan: Plan) -> date | None:
    ending = plan.ending_or_none
    return ending.ended_on if ending is not None else None


def _referral_on_a_concern(pupil: Pupil, *, after: date | None) -> str | None:
    """A referral to children's social care decided on a concern about the child (and not
    superseded), later than any plan's end, where no contact in casework records it: its line."""
    decision = (
        Decision.objects.filter(
            concern__parts__pupil=pupil,
            outcome=Outcome.SOCIAL_CARE,
            superseded_by__isnull=True,
        )
        .prefetch_related("outcomes")
        .order_by("-decided_at")
        .first()
    )
    if decision is None:
        return None
    on = decision.referral_date or timezone.localtime(decision.decided_at).date()
    if after is not None and on <= after:
        return None
    outcomes = sorted(decision.outcomes.all(), key=lambda o: o.received_on)
    if outcomes:
        return (
            f"Referred to children's social care on {on:%-d %b %Y}; outcome received "
            f"{outcomes[-1].received_on:%-d %b %Y}: {outcomes[-1].outcome[:120]}"
        )
    return f"Referred to children's social care on {on:%-d %b %Y}: no outcome recorded yet"


def _plans_seen(*, viewer: Membership, pupil: Pupil, brief: bool) -> list[Plan]:
    """`casework_for`'s plans. For the front sheet's panel as a school's safeguarding team: the
    school's own plans (`visible`), from the child's plans the social-care line has read for
    the same page."""
    if brief and viewer.role in CASEWORK_RECORDERS:
        return [p for p in _plans_of(pupil) if p.school_id == viewer.school_id]
    plans = visible(Plan, viewer=viewer).filter(pupil=pupil).select_related("ending")
    return list(plans if brief else plans.select_related("recorded_by__user"))


def _plans_of(pupil: Pupil) -> list[Plan]:
    """The child's plans at every school, newest first, each with its ending: read once for
    the front sheet's social-care line and its casework panel (`pupils.selectors.read_once`)."""
    return read_once(
        ("casework.plans", pupil.pk),
        lambda: list(Plan.objects.filter(pupil=pupil).select_related("ending")),
    )


def social_care_status(pupil: Pupil) -> SocialCareLine | None:
    """The child's social-care status from the plans and children's social care's answers
    recorded in Cairn, or None where there are none (the front sheet then shows the MIS's).

    Open: a child in need, child protection or looked-after plan not ended, or a referral to
    children's social care accepted for assessment or for a strategy discussion with no plan
    ended since. Referred: a referral with no answer yet. Previously known: plans ended, or
    referrals answered with no further action, no concerns or early help. An early help plan
    is named beside the status; it is not children's social care. It reads the child's plans at
    every school: the status is a fact about the child, as the MIS status is.
    """
    plans = _plans_of(pupil)
    # Past plans stay visible beside the status ("Child protection plan, Mar 2021 – Jan 2022").
    history = tuple(
        f"{p.label}, {month_span(p.started_on, _ended_on(p))}"
        for p in sorted(plans, key=lambda p: p.started_on, reverse=True)
        if p.ending_or_none is not None
    )
    open_care = [p for p in plans if p.kind in SOCIAL_CARE_PLANS and p.ending_or_none is None]
    early_help = [p for p in plans if p.kind == PlanKind.EARLY_HELP and p.ending_or_none is None]
    ended_care = [p for p in plans if p.kind in SOCIAL_CARE_PLANS and p.ending_or_none is not None]
    note = ""
    if early_help:
        note = f"Early help plan since {early_help[0].started_on:%-d %b %Y}."
    if open_care:
        newest = max(open_care, key=lambda p: p.started_on)
        return SocialCareLine(
            text=f"Open to children's social care: {newest.label.lower()} since "
            f"{newest.started_on:%-d %b %Y}",
            state="open",
            history=history,
            note=note,
        )
    referral = (
        AgencyContact.objects.filter(pupil=pupil, agency=Agency.SOCIAL_CARE)
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=AgencyResponse.objects.order_by("-received_on", "-recorded_at"),
            )
        )
        .order_by("-contacted_on", "-recorded_at")
        .first()
    )
    last_plan_end = max((p.ending.ended_on for p in ended_care), default=None)
    if referral is not None:
        answer = current_response(referral)
        on = f"{referral.contacted_on:%-d %b %Y}"
        if answer is None or answer.kind == ResponseKind.NO_ANSWER:
            expected = (
                answer.answer_expected_by if answer else None
            ) or referral.answer_expected_by
            waiting = f", expected by {expected:%-d %b %Y}" if expected else ""
            return SocialCareLine(
                text=f"Referred to children's social care on {on}: no answer yet{waiting}",
                state="referred",
                history=history,
                note=note,
            )
        ended_since = last_plan_end is not None and last_plan_end >= answer.received_on
        if answer.kind in (ResponseKind.ACCEPTED, ResponseKind.STRATEGY) and not ended_since:
            return SocialCareLine(
                text=f"Open to children's social care: referral of {on}, "
                f"{answer.get_kind_display().lower()} ({answer.received_on:%-d %b %Y})",
                state="open",
                history=history,
                note=note,
            )
        return SocialCareLine(
            text="Previously known to children's social care: referral of "
            f"{on}, {answer.get_kind_display().lower()}",
            state="previous",
            history=history,
            note=note,
        )
    decided = _referral_on_a_concern(pupil, after=last_plan_end)
    if decided is not None:
        return SocialCareLine(text=decided, state="referred", history=history, note=note)
    if ended_care:
        return SocialCareLine(
            text="Previously known to children's social care: last plan ended "
            f"{last_plan_end:%-d %b %Y}",
            state="previous",
            history=history,
            note=note,
        )
    if early_help:
        return SocialCareLine(
            text="Not known to children's social care in Cairn's records",
            state="never",
            history=history,
            note=note,
        )
    return None


def plan_flags(pupil_ids: list[UUID]) -> dict[UUID, list[str]]:
    """Short labels for siblings' schools (settings.PUPIL_RECORD_FLAG_SOURCES): a current plan
    says the child is known to services, never what the plan holds."""
    flags: dict[UUID, list[str]] = {}
    for pupil_id, kind in (
        Plan.objects.filter(pupil_id__in=list(pupil_ids), ending__isnull=True)
        .values_list("pupil_id", "kind")
        .distinct()
    ):
        flags.setdefault(pupil_id, []).append(f"on a {PlanKind(kind).label.lower()}")
    return flags


# --- The safeguarding team's inbox (settings.CONCERNS_INBOX_PANELS) ------------------------------


@dataclass(frozen=True, slots=True)
class Overdue:
    pupil: Pupil
    what: str
    due_on: date


def overdue_for(*, viewer: Membership) -> list[Overdue]:
    """Escalation stages past their due date with no outcome; answers expected and not come;
    children not back from an agreed absence when expected. Oldest first."""
    if not viewer.is_dsl_team or viewer.school_id is None:
        return []
    today = timezone.localdate()
    rows: list[Overdue] = []
    stages = (
        visible(EscalationStage, viewer=viewer, school_field="escalation__school")
        .filter(outcome__isnull=True, due_on__lt=today)
        .select_related("escalation__pupil")
    )
    for stage in stages:
        rows.append(
            Overdue(stage.escalation.pupil, f"Escalation, {stage.name.lower()} stage", stage.due_on)
        )
    latest = AgencyResponse.objects.filter(contact=OuterRef("pk")).order_by(
        "-received_on", "-recorded_at"
    )
    contacts = (
        visible(AgencyContact, viewer=viewer)
        .annotate(
            last_kind=latest.values("kind")[:1],
            last_expected=latest.values("answer_expected_by")[:1],
        )
        .filter(
            Q(last_kind=ResponseKind.NO_ANSWER, last_expected__lt=today)
            | Q(last_kind__isnull=True, answer_expected_by__lt=today)
        )
        .select_related("pupil")
    )
    for contact in contacts:
        due = getattr(contact, "last_expected", None) or contact.answer_expected_by
        if due is not None:
            rows.append(Overdue(contact.pupil, f"Answer from {contact.agency_label}", due))
    absences = (
        visible(AgreedAbsence, viewer=viewer)
        .filter(returned__isnull=True, expected_back_on__lt=today)
        .filter(
            pupil__enrolments__school_id=viewer.school_id, pupil__enrolments__end_date__isnull=True
        )
        .select_related("pupil")
        .distinct()
    )
    for absence in absences:
        rows.append(Overdue(absence.pupil, "Not back when expected", absence.expected_back_on))
    rows.sort(key=lambda r: r.due_on)
    return rows


# --- The team-capacity view (analytics) ---------------------------------------------------------


def meeting_time(*, school_ids: list[UUID], start: date, end: date) -> dict[UUID, tuple[int, int]]:
    """For each school: multi-agency meetings held from `start` to `end`, and the safeguarding
    team's minutes on them (preparation and the meeting)."""
    rows = (
        Meeting.objects.filter(school_id__in=school_ids, held_on__gte=start, held_on__lte=end)
        .values("school_id")
        .annotate(n=Count("id"), prep=Sum("preparation_minutes"), held=Sum("meeting_minutes"))
    )
    return {r["school_id"]: (r["n"], (r["prep"] or 0) + (r["held"] or 0)) for r in rows}
