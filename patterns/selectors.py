"""Reading findings and settings."""

import dataclasses
from collections.abc import Callable, Collection, Mapping
from functools import cache
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.module_loading import import_string

from patterns.engine import ConfigFor
from patterns.models import DetectorSettings, Finding, FindingDecision, FindingSeverity
from patterns.registry import all_detectors, get_detector


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def configs_for_schools(school_ids: Collection[str]) -> ConfigFor:
    """Each school's detector settings (defaults with the school's changes; None where a school
    turned a detector off), read once for the run."""
    rows: dict[str, dict[str, DetectorSettings]] = {}
    # Facts from a file may name schools that are not in the database: they have no settings.
    known = [sid for sid in school_ids if _is_uuid(sid)]
    for row in DetectorSettings.objects.filter(school_id__in=known):
        rows.setdefault(str(row.school_id), {})[row.detector] = row
    detectors = all_detectors()

    def configs(school_id: str) -> Mapping[str, Any | None]:
        own = rows.get(school_id, {})
        result: dict[str, Any | None] = {}
        for entry in detectors:
            row = own.get(entry.slug)
            if row is None:
                result[entry.slug] = entry.defaults()
            elif row.enabled:
                result[entry.slug] = entry.configure(row.values)
            else:
                result[entry.slug] = None
        return result

    return configs


def school_configs(school_id: str) -> Mapping[str, Any | None]:
    """One school's detector settings, read when the engine first needs them (incremental runs,
    where the schools involved are not known in advance)."""
    return configs_for_schools([school_id])(school_id)


def attendance_thresholds(school_id: Any) -> dict[str, Any] | None:
    """The attendance-patterns detector's settings for a school, for the attendance pages
    (`settings.CAIRN_ATTENDANCE_PATTERN_SETTINGS`): the same values the detector uses, so the
    pages and the findings agree. Its defaults for no school; None where the school turned it
    off."""
    entry = get_detector("attendance-patterns")
    config = entry.defaults() if school_id is None else school_configs(str(school_id))[entry.slug]
    return None if config is None else dataclasses.asdict(config)


def _open() -> Q:
    """Findings still waiting for the DSL: raised now, or no longer current but never decided
    (a finding whose evidence aged out before anyone decided stays listed, never silently
    gone)."""
    decided = FindingDecision.objects.filter(finding_id=OuterRef("pk"))
    return Q(stale=False) | Q(~Exists(decided))


def open_findings(findings: QuerySet[Finding]) -> QuerySet[Finding]:
    """Of `findings`, those still waiting for the DSL (current and open)."""
    return findings.filter(_open(), is_current=True)


def findings_for_school(*, school_id: Any, include_stale: bool = False) -> QuerySet[Finding]:
    """The school's current findings waiting for the DSL, most severe and newest first (for the
    DSL's inbox): raised now, or no longer current and not decided. `include_stale` adds those
    no longer current that were decided."""
    from django.db.models import Case, IntegerField, Value, When

    rank = Case(
        When(severity="review_now", then=Value(3)),
        When(severity="review", then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    findings = Finding.objects.filter(school_id=school_id, is_current=True)
    if not include_stale:
        findings = findings.filter(_open())
    return (
        findings.select_related("pupil")
        .prefetch_related("decisions")
        .annotate(rank=rank)
        .order_by("-rank", "-first_raised_at")
    )


def findings_for_pupil(*, viewer: Any, pupil_id: Any) -> list[dict[str, Any]]:
    """The child's current findings the viewer may read, most severe first, each with the text
    shown beside it: for the findings panel on the child's page."""
    from patterns.access import findings_visible_to
    from patterns.registry import get_detector

    rank = {"review_now": 3, "review": 2, "consider": 1}
    findings = sorted(
        findings_visible_to(viewer=viewer)
        .filter(_open(), pupil_id=pupil_id, is_current=True)
        .prefetch_related("decisions"),
        key=lambda f: (-rank.get(f.severity, 0), -f.first_raised_at.timestamp()),
    )
    rows = []
    for finding in findings:
        try:
            summary = get_detector(finding.detector).summary
        except KeyError:
            summary = finding.detector
        rows.append({"finding": finding, "summary": summary})
    return rows


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


def earlier_decisions(*, finding: Finding) -> list[dict[str, Any]]:
    """The decisions on the findings this one was raised again after (newest first), with the
    evidence each rested on: what the DSL decided before, and why."""
    rows = []
    earlier = finding.supersedes
    while earlier is not None:
        for decision in earlier.decisions.select_related("decided_by__user").order_by(
            "-decided_at"
        ):
            rows.append({"finding": earlier, "decision": decision})
        earlier = earlier.supersedes
    return rows


def findings_as_they_stood(*, viewer: Any, pupil_id: Any, on: Any) -> list[dict[str, Any]]:
    """The findings about the child that Cairn had raised by the end of `on` (a date), as they
    stood then: current or already raised again, no longer current or not, and the decisions
    recorded by then. Later decisions and later findings are left out."""
    from patterns.access import findings_visible_to
    from patterns.engine import cutoff
    from patterns.registry import get_detector

    end = cutoff(on)
    findings = (
        findings_visible_to(viewer=viewer)
        .filter(pupil_id=pupil_id, first_raised_at__lt=end)
        .select_related("superseded_by")
        .prefetch_related("decisions__decided_by__user")
        .order_by("-first_raised_at")
    )
    rows = []
    for finding in findings:
        successor = getattr(finding, "superseded_by", None)
        if successor is not None and successor.first_raised_at < end:
            continue  # raised again by then: its successor is the one that stood
        decisions = [d for d in finding.decisions.all() if d.decided_at < end]
        decisions.sort(key=lambda d: d.decided_at, reverse=True)
        try:
            summary = get_detector(finding.detector).summary
        except KeyError:
            summary = finding.detector
        rows.append(
            {
                "finding": finding,
                "summary": summary,
                "decisions": decisions,
                "stale": finding.stale_since is not None and finding.stale_since < end,
            }
        )
    return rows


def raised_from_records_as_of(*, pupil: Any, on: Any) -> list[dict[str, Any]]:
    """What the detectors find in the records as they were written by the end of `on`: the
    engine run for this child (and their households) as of that day, with the school's
    settings, nothing stored. A record written later about an earlier day, an amendment, or a
    register week imported again later does not change it (`patterns.db_loader`)."""
    from patterns.db_loader import database_source
    from patterns.engine import run_incremental
    from patterns.registry import SEVERITY_RANK, SubjectKind, get_detector

    result = run_incremental(
        database_source(as_of=on), pupil_ids=[str(pupil.pk)], as_of=on, configs=school_configs
    )
    rows = []
    # The run holds this child's findings and their households' (never a sibling's own).
    ordered = sorted(
        result.raised,
        key=lambda r: (-SEVERITY_RANK[r.severity], get_detector(r.detector).summary),
    )
    for raised in ordered:
        rows.append(
            {
                "raised": raised,
                "summary": get_detector(raised.detector).summary,
                "household": raised.subject_kind is SubjectKind.HOUSEHOLD,
                "severity_label": FindingSeverity(raised.severity.value).label,
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


def finding_children_on_roll(*, viewer: Any, finding: Finding) -> list[Any]:
    """The children a finding is about (the child, or the household's children) who are on the
    viewer's school's roll today, by name: those an escalation from it may be opened about. The
    finding itself was read through `patterns.access.access_finding` (the gate)."""
    from patterns.access import its_children
    from pupils.access import pupils_on_roll_for

    return list(
        pupils_on_roll_for(viewer=viewer)
        .filter(pk__in=its_children(finding))
        .order_by("legal_surname", "legal_forename")
    )


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def household_labels(household_ids: Any) -> dict[str, str]:
    """Each household named by its children ("the household of Ava Smith and Ben Smith"), in
    one query: a household finding is read by whom it is about, never by an id."""
    from pupils.models import HouseholdMember

    wanted: dict[str, str] = {}
    for raw in household_ids:
        try:
            wanted[str(UUID(str(raw)))] = str(raw)
        except ValueError:
            continue
    members: dict[str, list[str]] = {key: [] for key in wanted}
    rows = (
        HouseholdMember.objects.filter(household_id__in=list(wanted), left_on__isnull=True)
        .select_related("pupil")
        .order_by("pupil__date_of_birth")
    )
    for row in rows:
        members[str(row.household_id)].append(row.pupil.display_name)
    return {
        wanted[key]: f"the household of {_names(names)}" if names else "a household"
        for key, names in members.items()
    }


def household_findings_for_pupil(*, viewer: Any, pupil_id: Any) -> list[dict[str, Any]]:
    """The open findings about the households the child lives in now, as `findings_for_pupil`
    gives the child's own, each with the household named by its children."""
    from patterns.access import findings_visible_to
    from patterns.registry import get_detector
    from pupils.models import HouseholdMember

    homes = [
        str(h)
        for h in HouseholdMember.objects.filter(
            pupil_id=pupil_id, left_on__isnull=True
        ).values_list("household_id", flat=True)
    ]
    if not homes:
        return []
    findings = list(
        findings_visible_to(viewer=viewer)
        .filter(_open(), subject_kind="household", household_id__in=homes, is_current=True)
        .order_by("-first_raised_at")
    )
    labels = household_labels(f.household_id for f in findings)
    rows = []
    for finding in findings:
        try:
            summary = get_detector(finding.detector).summary
        except KeyError:
            summary = finding.detector
        rows.append(
            {
                "finding": finding,
                "summary": summary,
                "household": labels.get(finding.household_id, "a household"),
            }
        )
    return rows
