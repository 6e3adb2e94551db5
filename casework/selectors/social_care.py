"""The front sheet's social-care status (settings.PUPIL_SOCIAL_CARE_STATUS_SOURCE): the line
from the plans and children's social care's answers recorded in Cairn, or a referral decided on a
concern; the child's plans read once for the page; and the short flags siblings' schools see
(settings.PUPIL_RECORD_FLAG_SOURCES).
"""

from datetime import date
from uuid import UUID

from django.db.models import Prefetch
from django.utils import timezone

from casework.access import CASEWORK_RECORDERS, visible
from casework.models import (
    SOCIAL_CARE_PLANS,
    Agency,
    AgencyContact,
    AgencyResponse,
    Plan,
    PlanKind,
    ResponseKind,
)
from casework.selectors.common import current_response, month_span
from concerns.models import Decision, Outcome
from pupils.models import Pupil
from pupils.selectors import SocialCareLine, read_once
from schools.models import Membership

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
