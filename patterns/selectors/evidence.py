"""A finding's evidence for its page: what each record is called (`EVIDENCE_LABELS`, or the
app that shows it through settings.PATTERN_EVIDENCE_SOURCES), the link to it where the viewer
may open it (through each app's own access functions), its author's role and a short excerpt of
its words, and, for a finding that read the child's words, those words with the matches marked."""

import dataclasses
from collections.abc import Callable
from functools import cache
from typing import Any
from uuid import UUID

from django.conf import settings
from django.utils.module_loading import import_string

from patterns.models import Finding
from patterns.selectors.configs import _is_uuid, configs_for_schools

# What each evidence kind is called on the finding page.
EVIDENCE_LABELS = {
    "concern": "Concern",
    "decision": "Decision",
    "action": "Action",
    "voice": "The child's voice",
    "cadence": "Check-in cadence",
    "attendance": "Attendance",
    "enrolment": "Leaving the roll",
    "behaviour": "Behaviour incident",
    "encompass": "Operation Encompass notification",
    "factor:known": "Known factor",
    "agency_contact": "Contact with another agency",
    "plan": "Plan",
    "leaving": "Leaving the roll",
    "agreed_absence": "Agreed absence",
    "household_child": "Child of the household",
    "engagement": "Parents' engagement",
}


@dataclasses.dataclass(frozen=True)
class EvidenceView:
    """An evidence row as an app above this one shows it (settings.PATTERN_EVIDENCE_SOURCES):
    what the record is, in words, and, only where the viewer may open the record, a link to it,
    its author's role and a short excerpt of its words."""

    label: str
    url: str | None = None
    role: str = ""
    excerpt: str = ""


EvidenceSource = Callable[..., EvidenceView]


@cache
def evidence_sources() -> dict[str, EvidenceSource]:
    """The evidence kinds other apps show themselves: kind -> `(*, viewer, finding, ref)`
    returning an `EvidenceView` (records kept by an app above the detectors, such as a child
    protection file received from another school)."""
    named: dict[str, str] = getattr(settings, "PATTERN_EVIDENCE_SOURCES", {})
    return {kind: import_string(path) for kind, path in named.items()}


def _opens(check: Any) -> bool:
    """Whether an access function lets the viewer open the record (they raise Http404)."""
    from django.http import Http404

    try:
        check()
    except (Http404, ValueError):
        return False
    return True


def _concern_url(viewer: Any, kind: str, ref: str) -> str | None:
    """A concern, decision or action: the concern's page, if the viewer may open the concern."""
    from django.urls import reverse

    from concerns.access import access_concern
    from concerns.models import Action, Decision

    concern_id: Any = ref
    if kind == "decision":
        concern_id = Decision.objects.filter(pk=ref).values_list("concern_id", flat=True).first()
    elif kind == "action":
        concern_id = Action.objects.filter(pk=ref).values_list("concern_id", flat=True).first()
    if concern_id is None or not _opens(
        lambda: access_concern(viewer=viewer, concern_id=UUID(str(concern_id)))
    ):
        return None
    return reverse("concerns:detail", args=[concern_id])


def _child_of(viewer: Any, finding: Finding, kind: str, ref: str) -> Any:
    """The child whose page shows the record (None: no page this viewer may open)."""
    from concerns.access import sees_encompass
    from concerns.models import BehaviourIncident, EncompassNotification

    if kind == "attendance":
        return UUID(ref.split(":", maxsplit=1)[0])
    if kind == "behaviour":
        return BehaviourIncident.objects.filter(pk=ref).values_list("pupil_id", flat=True).first()
    if kind == "factor:known":
        from factors.models import KnownFactor

        return KnownFactor.objects.filter(pk=ref).values_list("pupil_id", flat=True).first()
    if kind == "encompass" and not (
        sees_encompass(viewer=viewer)
        and EncompassNotification.objects.filter(pk=ref, school_id=viewer.school_id).exists()
    ):
        return None
    return finding.pupil_id


# Records shown on a page about the child: the URL name for each kind.
_CHILD_PAGES = {
    "attendance": "attendance:pupil",
    "behaviour": "chronology:pupil",
    "encompass": "chronology:pupil",
    "cadence": "voice:plan",
    "enrolment": "pupils:detail",
    "factor:known": "factors:pupil",
    # Casework records are on the child's chronology.
    "agency_contact": "chronology:pupil",
    "plan": "chronology:pupil",
    "leaving": "chronology:pupil",
    "agreed_absence": "chronology:pupil",
    "household_child": "chronology:pupil",
    "engagement": "chronology:pupil",
}


def _evidence_url(viewer: Any, finding: Finding, kind: str, ref: str) -> str | None:
    """The page of the record an evidence row names, if `viewer` may open it; else None.
    Access goes through each app's own access functions (never inherited from the finding)."""
    from django.urls import reverse

    from factors.access import access_pupil_factors
    from pupils.access import access_pupil
    from voice.access import access_pupil_to_plan, access_voice_entry

    if not _is_uuid(ref.split(":", maxsplit=1)[0]):
        return None  # facts from a file: no record in this database
    if kind in ("concern", "decision", "action"):
        return _concern_url(viewer, kind, ref)
    if kind == "voice":
        if not _opens(lambda: access_voice_entry(viewer=viewer, entry_id=UUID(ref))):
            return None
        return reverse("voice:entry", args=[ref])
    if kind not in _CHILD_PAGES:
        return None
    pupil_id = _child_of(viewer, finding, kind, ref)
    if pupil_id is None or not _opens(lambda: access_pupil(viewer=viewer, pupil_id=pupil_id)):
        return None
    if kind == "cadence" and not _opens(
        lambda: access_pupil_to_plan(viewer=viewer, pupil_id=pupil_id)
    ):
        return None
    if kind == "factor:known" and not _opens(
        lambda: access_pupil_factors(viewer=viewer, pupil_id=pupil_id)
    ):
        return None
    return reverse(_CHILD_PAGES[kind], args=[pupil_id])


EXCERPT_LENGTH = 160


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + "…"


def _role(membership: Any) -> str:
    return str(membership.get_role_display()) if membership is not None else ""


def _concern_words(ref: str) -> tuple[str, str]:
    from concerns.models import Concern
    from concerns.selectors import latest_versions
    from sources.words import in_words

    concern = Concern.objects.filter(pk=ref).select_related("recorded_by").first()
    if concern is None:
        return "", ""
    version = latest_versions([concern.pk]).get(concern.pk)
    role = in_words(concern.author_role, "role") or _role(concern.recorded_by)
    return role, _excerpt(version.facts if version else "")


def _decision_words(ref: str) -> tuple[str, str]:
    from concerns.models import Decision

    decision = Decision.objects.filter(pk=ref).select_related("decided_by").first()
    if decision is None:
        return "", ""
    outcome = decision.get_outcome_display()
    return _role(decision.decided_by), _excerpt(f"{outcome}: {decision.rationale}")


def _action_words(ref: str) -> tuple[str, str]:
    from concerns.models import Action

    action = Action.objects.filter(pk=ref).select_related("created_by").first()
    return (_role(action.created_by), _excerpt(action.description)) if action else ("", "")


def _voice_words(ref: str) -> tuple[str, str]:
    from voice.models import VoiceEntry

    entry = VoiceEntry.objects.filter(pk=ref).select_related("recorded_by").first()
    version = entry.versions.order_by("-pk").first() if entry is not None else None
    if entry is None or version is None:
        return "", ""
    return _role(entry.recorded_by), _excerpt(version.words)


def _behaviour_words(ref: str) -> tuple[str, str]:
    from concerns.models import BehaviourIncident

    incident = BehaviourIncident.objects.filter(pk=ref).first()
    if incident is None:
        return "", ""
    return "", _excerpt(f"{incident.incident_type}: {incident.description}".strip(": "))


def _encompass_words(ref: str) -> tuple[str, str]:
    from concerns.models import EncompassNotification

    notice = EncompassNotification.objects.filter(pk=ref).select_related("recorded_by").first()
    return (_role(notice.recorded_by), _excerpt(notice.details)) if notice else ("", "")


def _factor_words(ref: str) -> tuple[str, str]:
    from factors.models import KnownFactor
    from sources.words import in_words

    factor = KnownFactor.objects.filter(pk=ref).select_related("recorded_by").first()
    if factor is None:
        return "", ""
    return _role(factor.recorded_by), _excerpt(in_words(factor.code, "cin_factor"))


_WORDS_OF = {
    "concern": _concern_words,
    "decision": _decision_words,
    "action": _action_words,
    "voice": _voice_words,
    "behaviour": _behaviour_words,
    "encompass": _encompass_words,
    "factor:known": _factor_words,
}


def _record_words(kind: str, ref: str) -> tuple[str, str]:
    """The author's role and a short excerpt of the record's own words, for an evidence row
    whose record the viewer may open. ("", "") for a kind without words of its own."""
    if kind not in _WORDS_OF or not _is_uuid(ref.split(":", maxsplit=1)[0]):
        return "", ""
    return _WORDS_OF[kind](ref)


def _as_date(value: Any) -> Any:
    """An evidence row's date as a date, for the page to write in words; as stored otherwise."""
    from datetime import date

    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _evidence_label(kind: str) -> str:
    from sources.words import in_words

    if kind in EVIDENCE_LABELS:
        return EVIDENCE_LABELS[kind]
    if kind.startswith("factor:"):
        return f"Household factor: {in_words(kind.split(':', 1)[1], 'cin_factor')}"
    return in_words(kind)


def evidence_rows(*, viewer: Any, finding: Finding) -> list[dict[str, Any]]:
    """The finding's evidence for its page: the date, what kind of record it is (in words), the
    author's role and a short excerpt of the record's own words (only where the viewer may open
    the record), whether it is new, and a link to the record."""
    new = {(e["kind"], e["id"]) for e in finding.new_evidence}
    shown_by = evidence_sources()
    rows = []
    for e in finding.evidence:
        kind = e["kind"]
        if kind in shown_by:
            view = shown_by[kind](viewer=viewer, finding=finding, ref=e["id"])
            label, url = view.label, view.url
            role, excerpt = (view.role, view.excerpt) if url else ("", "")
        else:
            label = _evidence_label(kind)
            url = _evidence_url(viewer, finding, kind, e["id"])
            role, excerpt = _record_words(kind, e["id"]) if url else ("", "")
        rows.append(
            {
                "date": e["date"],
                "on": _as_date(e["date"]),
                "kind": kind,
                "label": label,
                "id": e["id"],
                "is_new": (kind, e["id"]) in new,
                "url": url,
                "role": role,
                "excerpt": excerpt,
            }
        )
    return rows


def words_marked(*, viewer: Any, finding: Finding) -> dict[str, list[tuple[str, bool]]]:
    """For a finding that read the child's words (voice distress): the words of each record it
    rests on that `viewer` may open, as in force now, in parts with the words that matched the
    school's word lists marked. Keyed by the evidence row's id; empty for other findings."""
    from concerns.access import access_concern
    from concerns.models import ConcernVersion
    from patterns.detectors.voice import THEMES
    from patterns.registry import get_detector
    from patterns.words import marked
    from voice.access import access_voice_entry
    from voice.facts import CHILD_WORDS as VOICE_WORD_FIELDS
    from voice.models import VoiceEntryVersion

    if finding.detector != "voice-distress":
        return {}
    school = str(finding.school_id)
    config = configs_for_schools([school])(school).get(finding.detector)
    lists = config or get_detector(finding.detector).defaults()
    phrases: set[str] = set().union(*(getattr(lists, theme) for theme in THEMES))
    found: dict[str, list[tuple[str, bool]]] = {}
    for e in finding.evidence:
        ref = e["id"]
        if not _is_uuid(ref):
            continue
        if e["kind"] == "voice" and _opens(
            lambda ref=ref: access_voice_entry(viewer=viewer, entry_id=UUID(ref))
        ):
            version = VoiceEntryVersion.objects.filter(entry_id=ref).order_by("-number").first()
            text = "\n".join(
                str(getattr(version, name)) for name in VOICE_WORD_FIELDS if getattr(version, name)
            )
        elif e["kind"] == "concern" and _opens(
            lambda ref=ref: access_concern(viewer=viewer, concern_id=UUID(ref))
        ):
            latest = ConcernVersion.objects.filter(concern_id=ref).order_by("-number").first()
            text = latest.child_words if latest else ""
        else:
            continue
        found[ref] = marked(text, phrases)
    return found
