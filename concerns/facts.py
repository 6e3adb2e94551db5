"""Concerns, decisions, actions, behaviour incidents and Operation Encompass notifications, as
facts for the pattern detectors (ADR 17; listed in `settings.PATTERN_FACT_SOURCES`).

"As of" (docs/adr/0006): every fact carries when it happened and when it was written, and only
what was written by the cut is read. A concern's categories and words come from its latest version
written by the cut (an amendment written later was not known on the day: `concerns.selectors`
keeps "the latest version" in one place); a decision superseded by one written before the cut is
dropped; a referral's outcome carries when it was written. Decisions and actions belong to the
children a concern is about (its subjects): a concern is the case its decisions continue, and "no
further action" closes it. Decisions on older concerns (referrals and closures years ago) are the
child's history: history does not expire.

The detectors read categories as indicators and an action's words as its kind
(`patterns/data/indicators.json`); that mapping is theirs, so the facts here carry the
categories and the action's whole description, and the loader interprets them.
"""

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from concerns.models import (
    Action,
    BehaviourIncident,
    BodyMark,
    ConcernPupil,
    Decision,
    EncompassNotification,
    Outcome,
    ReferralOutcome,
)
from concerns.models import Part as ConcernPart
from concerns.selectors import latest_versions
from sources.facts import (
    BEHAVIOUR,
    BODY_MAP,
    ENCOMPASS,
    ActionFact,
    ActionKind,
    ConcernFact,
    DecisionFact,
    DecisionKind,
    FactParts,
    FactWindow,
    Part,
    PupilFacts,
    at_nine,
)

_PARTS: dict[str, Part] = {
    ConcernPart.SUBJECT: Part.SUBJECT,
    ConcernPart.INVOLVED: Part.OTHER,
    ConcernPart.WITNESS: Part.WITNESS,
}
# The decision outcomes as the detectors' decision kinds. A referral to children's social care
# is the referral whose outcome the school chases (records-and-access.md §2).
DECISION_KINDS: dict[str, DecisionKind] = {
    Outcome.NO_FURTHER_ACTION: DecisionKind.NFA,
    Outcome.MONITOR: DecisionKind.MONITOR,
    Outcome.EARLY_HELP: DecisionKind.EARLY_HELP,
    Outcome.SOCIAL_CARE: DecisionKind.REFERRAL,
    Outcome.POLICE: DecisionKind.POLICE,
    Outcome.LADO: DecisionKind.LADO,
    Outcome.PREVENT: DecisionKind.PREVENT,
    Outcome.OTHER_AGENCY: DecisionKind.OTHER,
}


def facts_for(*, pupils: Mapping[str, PupilFacts], window: FactWindow) -> dict[str, FactParts]:
    """The concerns app's facts about these children over the window."""
    parts = _parts(list(pupils), window)
    found: dict[str, FactParts] = defaultdict(FactParts)
    for pid, concerns in _concerns(parts, window).items():
        found[pid].concerns.extend(concerns)
    for pid, records in _records(list(pupils), window).items():
        found[pid].concerns.extend(records)
    decisions, actions = _casework(parts, window)
    for pid, decided in decisions.items():
        found[pid].decisions.extend(decided)
    for pid, assigned in actions.items():
        found[pid].actions.extend(assigned)
    for pid, history in _history(list(pupils), window).items():
        found[pid].history.extend(history)
    return found


def _parts(pupil_ids: list[str], window: FactWindow) -> list[Mapping[str, Any]]:
    return list(
        ConcernPupil.objects.filter(
            pupil_id__in=pupil_ids,
            concern__occurred_at__gte=at_nine(window.start),
            concern__occurred_at__lt=window.end,
            concern__written_at__lt=window.end,
        ).values(
            "pupil_id",
            "part",
            "concern_id",
            "concern__occurred_at",
            "concern__written_at",
            "concern__recorded_by_id",
            "concern__author_name",
            "concern__author_role",
        )
    )


def _concerns(parts: list[Mapping[str, Any]], window: FactWindow) -> dict[str, list[ConcernFact]]:
    concern_ids = sorted({p["concern_id"] for p in parts})
    versions = latest_versions(concern_ids, written_before=window.end)
    regions: dict[Any, set[str]] = defaultdict(set)
    for cid, region in BodyMark.objects.filter(concern_id__in=concern_ids).values_list(
        "concern_id", "region"
    ):
        regions[cid].add(region)
    found: dict[str, list[ConcernFact]] = defaultdict(list)
    for p in parts:
        cid = p["concern_id"]
        version = versions.get(cid)
        codes = version.category_codes if version is not None else frozenset()
        author = p["concern__recorded_by_id"]
        found[str(p["pupil_id"])].append(
            ConcernFact(
                id=str(cid),
                pupil_id=str(p["pupil_id"]),
                occurred_at=p["concern__occurred_at"],
                recorded_at=p["concern__written_at"],
                author_id=str(author) if author else f"name:{p['concern__author_name']}",
                author_role=p["concern__author_role"] or "staff",
                part=_PARTS.get(p["part"], Part.OTHER),
                categories=codes | ({BODY_MAP} if cid in regions else frozenset()),
                text=version.facts if version is not None else "",
                child_words=version.child_words if version is not None else "",
                themes=version.themes if version is not None else frozenset(),
                body_regions=frozenset(regions.get(cid, ())),
            )
        )
    return found


def _records(pupil_ids: list[str], window: FactWindow) -> dict[str, list[ConcernFact]]:
    """Behaviour incidents and Operation Encompass notifications, read like concerns of their own
    kind (the evidence names the real record)."""
    found: dict[str, list[ConcernFact]] = defaultdict(list)
    behaviour = BehaviourIncident.objects.filter(
        pupil_id__in=pupil_ids,
        occurred_at__gte=at_nine(window.start),
        occurred_at__lt=window.end,
        recorded_at__lt=window.end,
    ).values("id", "pupil_id", "occurred_at", "recorded_at", "recorded_by_id", "author_name")
    for b in behaviour:
        found[str(b["pupil_id"])].append(
            _record_fact(b, b["pupil_id"], BEHAVIOUR, "behaviour", b["author_name"])
        )
    through = EncompassNotification.pupils.through
    encompass = through.objects.filter(
        pupil_id__in=pupil_ids,
        encompassnotification__occurred_at__gte=at_nine(window.start),
        encompassnotification__occurred_at__lt=window.end,
        encompassnotification__recorded_at__lt=window.end,
    ).values(
        "pupil_id",
        "encompassnotification_id",
        "encompassnotification__occurred_at",
        "encompassnotification__recorded_at",
        "encompassnotification__recorded_by_id",
    )
    for e in encompass:
        row = {
            "id": e["encompassnotification_id"],
            "occurred_at": e["encompassnotification__occurred_at"],
            "recorded_at": e["encompassnotification__recorded_at"],
            "recorded_by_id": e["encompassnotification__recorded_by_id"],
        }
        found[str(e["pupil_id"])].append(
            _record_fact(row, e["pupil_id"], ENCOMPASS, "encompass", "police")
        )
    return found


def _record_fact(
    row: Mapping[str, Any], pupil_id: Any, key: str, kind: str, name: str
) -> ConcernFact:
    author = row["recorded_by_id"]
    return ConcernFact(
        id=str(row["id"]),
        pupil_id=str(pupil_id),
        occurred_at=row["occurred_at"],
        recorded_at=row["recorded_at"],
        author_id=str(author) if author else f"name:{name}",
        categories=frozenset({key}),
        record_kind=kind,
    )


def _casework(
    parts: list[Mapping[str, Any]], window: FactWindow
) -> tuple[dict[str, list[DecisionFact]], dict[str, list[ActionFact]]]:
    """Decisions and actions, for each child the concern is about (its subjects)."""
    subjects: dict[Any, list[str]] = defaultdict(list)
    for p in parts:
        if p["part"] == ConcernPart.SUBJECT:
            subjects[p["concern_id"]].append(str(p["pupil_id"]))
    concern_ids = list(subjects)
    rows = list(
        Decision.objects.filter(
            concern_id__in=concern_ids, decided_at__lt=window.end, written_at__lt=window.end
        ).values(
            "id",
            "concern_id",
            "outcome",
            "decided_at",
            "written_at",
            "decided_by_id",
            "review_date",
            "outcome_expected_by",
            "supersedes_id",
        )
    )
    superseded = {r["supersedes_id"] for r in rows if r["supersedes_id"]}
    outcomes: dict[Any, datetime] = {}
    for did, at in ReferralOutcome.objects.filter(
        decision_id__in=[r["id"] for r in rows]
    ).values_list("decision_id", "recorded_at"):
        outcomes[did] = min(at, outcomes.get(did, at))
    decisions: dict[str, list[DecisionFact]] = defaultdict(list)
    for r in rows:
        if r["id"] in superseded:
            continue  # replaced (by a decision written before the cut)
        for pid in subjects[r["concern_id"]]:
            decisions[pid].append(
                DecisionFact(
                    id=str(r["id"]),
                    pupil_id=pid,
                    case_id=str(r["concern_id"]),
                    kind=DECISION_KINDS.get(r["outcome"], DecisionKind.OTHER),
                    decided_at=r["decided_at"],
                    recorded_at=r["written_at"],
                    author_id=str(r["decided_by_id"] or ""),
                    concern_ids=frozenset({str(r["concern_id"])}),
                    review_date=r["review_date"],
                    outcome_due=r["outcome_expected_by"],
                    outcome_recorded_at=outcomes.get(r["id"]),
                    closes_case=r["outcome"] == Outcome.NO_FURTHER_ACTION,
                )
            )
    actions: dict[str, list[ActionFact]] = defaultdict(list)
    for a in Action.objects.filter(concern_id__in=concern_ids, created_at__lt=window.end).values(
        "id", "concern_id", "description", "due_on", "created_at", "completion__completed_at"
    ):
        for pid in subjects[a["concern_id"]]:
            actions[pid].append(
                ActionFact(
                    id=str(a["id"]),
                    pupil_id=pid,
                    kind=ActionKind.OTHER,  # read from the words by the detectors' loader
                    created_at=a["created_at"],
                    recorded_at=a["created_at"],
                    summary=a["description"],
                    concern_ids=frozenset({str(a["concern_id"])}),
                    due=a["due_on"],
                    done_at=a["completion__completed_at"],
                )
            )
    return decisions, actions


def _history(pupil_ids: list[str], window: FactWindow) -> dict[str, list[DecisionFact]]:
    """Decisions on concerns about the child older than the look-back. One query."""
    rows = list(
        Decision.objects.filter(
            concern__parts__pupil_id__in=pupil_ids,
            concern__parts__part=ConcernPart.SUBJECT,
            concern__occurred_at__lt=at_nine(window.start),
            decided_at__lt=window.end,
            written_at__lt=window.end,
        ).values_list(
            "id",
            "concern_id",
            "outcome",
            "decided_at",
            "written_at",
            "supersedes_id",
            "concern__parts__pupil_id",
        )
    )
    superseded = {r[5] for r in rows if r[5]}
    history: dict[str, list[DecisionFact]] = defaultdict(list)
    for did, cid, outcome, decided_at, written_at, _, pupil_id in rows:
        if did in superseded:
            continue
        history[str(pupil_id)].append(
            DecisionFact(
                id=str(did),
                pupil_id=str(pupil_id),
                case_id=str(cid),
                kind=DECISION_KINDS.get(outcome, DecisionKind.OTHER),
                decided_at=decided_at,
                recorded_at=written_at,
                concern_ids=frozenset({str(cid)}),
                closes_case=outcome == Outcome.NO_FURTHER_ACTION,
            )
        )
    return history
