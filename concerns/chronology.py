"""The concerns app's contributions to a child's chronology (see sources/chronology.py).

Each source returns only what `viewer` may see: concerns through `concerns_visible_to`,
decisions only for those who see decisions, Operation Encompass only for the DSL team, and an
allegation about an adult as a pointer to the restricted register, never its details.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.db.models import Q, QuerySet
from django.urls import reverse

from concerns.access import concerns_visible_to, encompass_visible_to, sees_decisions
from concerns.models import (
    REFERRAL_OUTCOMES,
    Action,
    BehaviourIncident,
    Concern,
    ConcernPupil,
    Decision,
    Note,
    Outcome,
    Part,
    ReferralOutcome,
)
from concerns.selectors import latest_versions
from pupils.access import pupils_visible_to
from pupils.selectors import read_once
from schools.models import Membership, Role
from sources.chronology import Entry, Window

_SUMMARY_LENGTH = 400
_PART_SUFFIX = {Part.INVOLVED: " (another child involved)", Part.WITNESS: " (as a witness)"}


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SUMMARY_LENGTH else text[: _SUMMARY_LENGTH - 1] + "…"


def _window(queryset: QuerySet, field: str, window: Window) -> QuerySet:  # type: ignore[type-arg]
    if window.start is not None:
        queryset = queryset.filter(**{f"{field}__date__gte": window.start})
    if window.end is not None:
        queryset = queryset.filter(**{f"{field}__date__lte": window.end})
    return queryset


def _visible_parts(viewer: Membership, pupil_ids: Sequence[UUID]) -> QuerySet[ConcernPupil]:
    return ConcernPupil.objects.filter(
        pupil_id__in=pupil_ids, concern__in=concerns_visible_to(viewer=viewer)
    )


def _concern_ids(viewer: Membership, pupil_ids: Sequence[UUID]) -> "QuerySet[ConcernPupil, Any]":
    """A subquery (not a list of ids: a long IN list is slow to build) of the visible concerns."""
    return _visible_parts(viewer, pupil_ids).values("concern_id")


_OUTCOME_LABELS = dict(Outcome.choices)


@cache
def _detail_prefix() -> str:
    return reverse("concerns:detail", args=[UUID(int=0)]).replace(str(UUID(int=0)), "{}")


def _detail_url(concern_id: UUID) -> str:
    return _detail_prefix().format(concern_id)


def _parts(viewer: Membership, pupil_ids: Sequence[UUID]) -> dict[UUID, list[tuple[UUID, str]]]:
    """For each visible concern about these children: [(pupil_id, part)]. Read once per page
    for the concerns, decisions and actions sources (`pupils.selectors.read_once`)."""

    def read() -> dict[UUID, list[tuple[UUID, str]]]:
        rows = _visible_parts(viewer, pupil_ids).values_list("concern_id", "pupil_id", "part")
        parts: dict[UUID, list[tuple[UUID, str]]] = defaultdict(list)
        for concern_id, pupil_id, part in rows:
            parts[concern_id].append((pupil_id, part))
        return parts

    return read_once(("concerns.parts", viewer.pk, tuple(pupil_ids)), read)


def concern_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """Concerns (each child's own part) and further information added to them."""
    parts = _parts(viewer, pupil_ids)
    if not parts:
        return []
    in_window = _window(
        Concern.objects.filter(pk__in=_concern_ids(viewer, pupil_ids)), "occurred_at", window
    )
    cut = window.cut()
    if cut is not None:  # as it stood then: concerns written by then, in their words then
        in_window = in_window.filter(written_at__lt=cut)
    concerns = {
        row[0]: row
        for row in in_window.values_list(
            "pk", "occurred_at", "written_at", "author_name", "urgent_told_dsl"
        )
    }
    latest = latest_versions(in_window.values("pk"), written_before=cut)
    referred = set(
        Decision.objects.filter(
            concern_id__in=in_window.values("pk"),
            outcome__in=[Outcome.SOCIAL_CARE, Outcome.POLICE, Outcome.LADO, Outcome.PREVENT],
        ).values_list("concern_id", flat=True)
    )
    entries: list[Entry] = []
    for concern_id, (_pk, occurred_at, written_at, author, urgent) in concerns.items():
        version = latest[concern_id]
        url = _detail_url(concern_id)
        for pupil_id, part in parts[concern_id]:
            entries.append(
                Entry(
                    kind="concern",
                    kind_label="Concern",
                    source_id=f"{concern_id}:{pupil_id}",
                    pupil_id=pupil_id,
                    occurred_at=occurred_at,
                    recorded_at=written_at,
                    title="Concern" + _PART_SUFFIX.get(Part(part), ""),
                    summary=_clip(version.facts),
                    author=author,
                    url=url,
                    significant=urgent or concern_id in referred,
                    categories=version.category_labels,
                )
            )
    notes = _window(
        Note.objects.filter(concern_id__in=_concern_ids(viewer, pupil_ids)).select_related(
            "written_by__user"
        ),
        "written_at",
        window,
    )
    for note in notes:
        for pupil_id, _part in parts[note.concern_id]:
            entries.append(
                Entry(
                    kind="note",
                    kind_label="Further information",
                    source_id=f"{note.pk}:{pupil_id}",
                    pupil_id=pupil_id,
                    occurred_at=note.written_at,
                    recorded_at=note.written_at,
                    title="Further information added to a concern",
                    summary=_clip(note.text),
                    author=note.written_by.user.full_name,
                    url=_detail_url(note.concern_id),
                )
            )
    return entries


def decision_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """Decisions (with their reasons), referrals and the agencies' outcomes."""
    if not sees_decisions(viewer=viewer):
        return []
    parts = _parts(viewer, pupil_ids)
    if not parts:
        return []
    entries: list[Entry] = []
    decisions = _window(
        Decision.objects.filter(concern_id__in=_concern_ids(viewer, pupil_ids)),
        "decided_at",
        window,
    ).values_list(  # plain rows: a long chronology has hundreds of decisions
        "pk",
        "concern_id",
        "outcome",
        "rationale",
        "referral_reference",
        "supersedes_id",
        "decided_at",
        "written_at",
        "decided_by_name",
    )
    for pk, concern_id, outcome, rationale, reference, supersedes, at, written, by in decisions:
        if outcome == Outcome.LADO:
            summary = "An allegation about an adult: the details are in the allegations register."
        else:
            summary = _clip(rationale)
        title = str(_OUTCOME_LABELS.get(outcome, outcome))
        if reference and outcome != Outcome.LADO:
            title += f" (ref. {reference})"
        if supersedes:
            title += " — changed decision"
        for pupil_id, _part in parts[concern_id]:
            entries.append(
                Entry(
                    kind="decision",
                    kind_label="Decision",
                    source_id=f"{pk}:{pupil_id}",
                    pupil_id=pupil_id,
                    occurred_at=at,
                    recorded_at=written,
                    title=title,
                    summary=summary,
                    author=by,
                    url=_detail_url(concern_id),
                    significant=outcome in REFERRAL_OUTCOMES,
                )
            )
    outcomes = _window(
        ReferralOutcome.objects.filter(
            decision__concern_id__in=_concern_ids(viewer, pupil_ids)
        ).select_related("decision", "recorded_by__user"),
        "recorded_at",
        window,
    )
    for result in outcomes:
        agrees = "the school agrees" if result.school_agrees else "the school does not agree"
        for pupil_id, _part in parts[result.decision.concern_id]:
            entries.append(
                Entry(
                    kind="referral_outcome",
                    kind_label="Referral outcome",
                    source_id=f"{result.pk}:{pupil_id}",
                    pupil_id=pupil_id,
                    occurred_at=result.recorded_at,
                    recorded_at=result.recorded_at,
                    title=f"Outcome of {result.decision.get_outcome_display().lower()}: {agrees}",
                    summary=_clip(
                        "Details are in the allegations register."
                        if result.decision.outcome == Outcome.LADO
                        else result.outcome
                    ),
                    author=result.recorded_by.user.full_name,
                    url=_detail_url(result.decision.concern_id),
                    significant=True,
                )
            )
    return entries


def action_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """Actions assigned, and actions done."""
    if not sees_decisions(viewer=viewer):
        return []
    parts = _parts(viewer, pupil_ids)
    if not parts:
        return []
    entries: list[Entry] = []
    # Plain rows, not model instances with three joined users each: a long record has hundreds.
    actions = Action.objects.filter(concern_id__in=_concern_ids(viewer, pupil_ids)).values_list(
        "pk",
        "concern_id",
        "created_at",
        "due_on",
        "description",
        "assigned_to__user__full_name",
        "created_by__user__full_name",
        "completion__pk",
        "completion__completed_at",
        "completion__note",
        "completion__completed_by__user__full_name",
    )
    for (
        action_id,
        concern_id,
        created_at,
        due_on,
        description,
        assignee,
        creator,
        completion_id,
        completed_at,
        completion_note,
        completer,
    ) in actions:
        url = _detail_url(concern_id)
        for pupil_id, _part in parts[concern_id]:
            if _in_window(created_at.date(), window):
                entries.append(
                    Entry(
                        kind="action",
                        kind_label="Action",
                        source_id=f"{action_id}:{pupil_id}",
                        pupil_id=pupil_id,
                        occurred_at=created_at,
                        recorded_at=created_at,
                        title=f"Action for {assignee}, due {due_on:%d %b %Y}",
                        staff_in_title=(assignee,),
                        summary=_clip(description),
                        author=creator,
                        url=url,
                    )
                )
            if completion_id is not None and _in_window(completed_at.date(), window):
                entries.append(
                    Entry(
                        kind="action_done",
                        kind_label="Action done",
                        source_id=f"{action_id}:done:{pupil_id}",
                        pupil_id=pupil_id,
                        occurred_at=completed_at,
                        recorded_at=completed_at,
                        title=_clip(description)[:80],
                        summary=_clip(completion_note),
                        author=completer,
                        url=url,
                    )
                )
    return entries


def _in_window(day: object, window: Window) -> bool:
    if window.start is not None and day < window.start:  # type: ignore[operator]
        return False
    return not (window.end is not None and day > window.end)  # type: ignore[operator]


def _school_scope(viewer: Membership) -> Q:
    if viewer.role == Role.TRUST_LEAD:
        return Q(school__trust_id=viewer.trust_id)
    return Q(school_id=viewer.school_id)


def behaviour_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """Behaviour incidents, for those who may read the child's record."""
    visible = pupils_visible_to(viewer=viewer).filter(pk__in=pupil_ids).values("pk")
    incidents = _window(
        BehaviourIncident.objects.filter(_school_scope(viewer), pupil_id__in=visible),
        "occurred_at",
        window,
    )
    return [
        Entry(
            kind="behaviour",
            kind_label="Behaviour",
            source_id=str(incident.pk),
            pupil_id=incident.pupil_id,
            occurred_at=incident.occurred_at,
            recorded_at=incident.recorded_at,
            title=incident.incident_type,
            summary=_clip(
                incident.description
                + (f" Action: {incident.action_taken}." if incident.action_taken else "")
            ),
            author=incident.author_name,
        )
        for incident in incidents
    ]


def encompass_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """Operation Encompass notifications, for the DSL team only."""
    notifications = _window(
        encompass_visible_to(viewer=viewer).filter(pupils__in=pupil_ids).distinct(),
        "occurred_at",
        window,
    ).prefetch_related("pupils")
    entries: list[Entry] = []
    wanted = set(pupil_ids)
    household = reverse("chronology:household")
    for notification in notifications:
        children = list(notification.pupils.all())
        url = (
            household + "?" + urlencode([("pupil", str(p.pk)) for p in children])
            if len(children) > 1
            else None
        )
        for pupil in children:
            if pupil.pk not in wanted:
                continue
            entries.append(
                Entry(
                    kind="encompass",
                    kind_label="Operation Encompass",
                    source_id=f"{notification.pk}:{pupil.pk}",
                    pupil_id=pupil.pk,
                    occurred_at=notification.occurred_at,
                    recorded_at=notification.recorded_at,
                    title=(
                        f"Police notification (ref. {notification.police_reference}); "
                        f"child present: {notification.get_child_present_display().lower()}"
                    ),
                    summary=_clip(
                        f"Welfare check planned {notification.welfare_check_on:%d %b %Y}. "
                        + notification.details
                    ),
                    author="Police (Operation Encompass)",
                    url=url,
                    significant=True,
                )
            )
    return entries
