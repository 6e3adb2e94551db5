"""A child protection file received from the child's previous school, as facts for the pattern
detectors (ADR 17, ADR 19; listed in `settings.PATTERN_FACT_SOURCES`).

Reviews of serious cases describe a child's history not joined up across a move: the earlier
school's concerns and referrals are in the file, but nobody reads them with the new ones
(national-reviews.md §1, "previously known but closed" 19% [V SecEd]; neglect is cumulative and
missed when each episode is treated as new, §2 [V SCIE]). This source turns the records of a
received file into the facts the detectors already read, each marked with the school it came
from (`transferred_from`), so a detector that counts them can say so.

Only what the file says, by the kind the sending school wrote (docs/transfer-format.md):

- `concern`: a concern (`ConcernFact`), the child's part read from its title ("Concern", "Concern
  (another child involved)", "Concern (as a witness)"); its categories are the sending school's
  category names, read back to Cairn's category codes (a name Cairn does not know is left out,
  never guessed). Within the run's window, like the school's own concerns.
- `decision`: a decision (`DecisionFact`), its kind read from the decision's name ("Referral to
  children's social care", "No further action", ...). It goes into the child's history, whenever
  it was made: history does not expire. The file does not say which concern a decision answered,
  so each transferred decision is a case of its own and answers no concern.
- Every other kind (notes, actions, referral outcomes, behaviour, Operation Encompass, the child's
  voice, attendance, factors, findings, casework records, records the sender itself received) is
  left out: either the detectors that read it ask about this school's own observations (the
  register, the child's voice, the parents' engagement) and work (actions, plans in force,
  contacts chased), or the file does not carry what a fact needs (a plan's kind is only in its
  title's words), or it is not a record at all (a finding).

A record already among the child's own records in this database is left out: a file sent between
two schools using the same Cairn (within a trust, directly) copies concerns and decisions that the
concerns app gives the detectors itself, and one concern must not count twice. The file's record
ids name the original (`concern:<concern id>:<pupil id>`, `decision:<decision id>:<pupil id>`).

What this school knew, and when: a transferred record is known from the moment its file was
imported (`recorded_at` is `imported_at`), so the detectors asked "as of" an earlier day do not
see it. Only files the child's current school received are read: the findings are that school's,
and its DSL team can open the records they rest on.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any
from uuid import UUID

from concerns.facts import DECISION_KINDS
from concerns.models import ConcernPupil, Decision, Outcome
from concerns.models import Part as ConcernPart
from concerns.words import categories as category_words
from sources.facts import (
    ConcernFact,
    DecisionFact,
    DecisionKind,
    FactParts,
    FactWindow,
    Part,
    PupilFacts,
    at_nine,
)
from transfer.models import TransferredRecord

# The concern titles the concerns app writes (concerns.chronology), and the child's part.
_PARTS = {
    "Concern": Part.SUBJECT,
    "Concern (another child involved)": Part.OTHER,
    "Concern (as a witness)": Part.WITNESS,
}
# The decision names the concerns app writes, as the detectors' decision kinds: the concerns
# app's own reading of each outcome (`concerns.facts.DECISION_KINDS`), keyed by its name.
_DECISIONS: dict[str, DecisionKind] = {
    str(Outcome(outcome).label): kind for outcome, kind in DECISION_KINDS.items()
}
# A decision's title: its name, then a reference and a mark that it changed an earlier one.
_DECISION_TITLE = re.compile(r"^(?P<name>.*?)(?: \(ref\. .*\))?(?: — changed decision)?$")
KINDS = frozenset({"concern", "decision"})


@cache
def _category_codes() -> dict[str, str]:
    """Cairn's category names and codes, lower case, each to its code (the sender's file names
    a concern's categories as its staff read them)."""
    codes: dict[str, str] = {}
    for code, label in category_words().items():
        codes[label.strip().lower()] = code
        codes[code.lower()] = code
    return codes


def category_codes(names: Any) -> frozenset[str]:
    """The category codes of a transferred concern's category names; unknown names left out."""
    known = _category_codes()
    return frozenset(known[n.strip().lower()] for n in names if n.strip().lower() in known)


def decision_kind(title: str) -> DecisionKind | None:
    """The kind of a transferred decision from its title; None when the name is not one of
    Cairn's decisions."""
    match = _DECISION_TITLE.match(title.strip())
    return _DECISIONS.get(match["name"]) if match else None


def original_id(record_id: str) -> UUID | None:
    """The id of the record a transferred record copies, from its id in the file
    (`<kind>:<id>:<pupil id>`); None when the file names it otherwise."""
    parts = record_id.split(":")
    try:
        return UUID(parts[1]) if len(parts) == 3 else None
    except ValueError:
        return None


def _already_here(rows: Iterable[Mapping[str, Any]]) -> set[tuple[str, UUID]]:
    """(pupil id, original id) of the file's concerns and decisions that this database holds as
    the same child's own (the concerns app gives those to the detectors). Two queries."""
    wanted: dict[str, set[UUID]] = {"concern": set(), "decision": set()}
    for row in rows:
        original = original_id(row["original_id"])
        if original is not None:
            wanted[row["kind"]].add(original)
    pupils = {row["pupil_id"] for row in rows}
    here: set[tuple[str, UUID]] = set()
    if wanted["concern"]:
        for pid, cid in ConcernPupil.objects.filter(
            pupil_id__in=pupils, concern_id__in=wanted["concern"]
        ).values_list("pupil_id", "concern_id"):
            here.add((str(pid), cid))
    if wanted["decision"]:
        for pid, did in Decision.objects.filter(
            pk__in=wanted["decision"],
            concern__parts__pupil_id__in=pupils,
            concern__parts__part=ConcernPart.SUBJECT,
        ).values_list("concern__parts__pupil_id", "pk"):
            here.add((str(pid), did))
    return here


def _author(school: str, author: str) -> str:
    """An adult at the sending school: named as the file names them, so two adults there count
    as two and an unnamed author as one."""
    return f"transferred:{school}:{author.strip() or 'not named'}"


def facts_for(*, pupils: Mapping[str, PupilFacts], window: FactWindow) -> dict[str, FactParts]:
    """Concerns (within the window) and decisions (all of them) from the files these children's
    schools received, as imported by the cut. At most three queries."""
    wanted = {pid: pupil.school_id for pid, pupil in pupils.items()}
    rows = list(
        TransferredRecord.objects.filter(
            pupil_id__in=list(wanted),
            kind__in=KINDS,
            occurred_at__lt=window.end,
            received__imported_at__lt=window.end,
        )
        .values(
            "id",
            "pupil_id",
            "school_id",
            "original_id",
            "kind",
            "occurred_at",
            "title",
            "author",
            "categories",
            "received__from_school_name",
            "received__imported_at",
        )
        .order_by("occurred_at", "id")
    )
    rows = [r for r in rows if str(r["school_id"]) == wanted[str(r["pupil_id"])]]
    # Only the files the child's current school received: its findings, its DSL team's records.
    here = _already_here(rows)
    start = at_nine(window.start)
    found: dict[str, FactParts] = defaultdict(FactParts)
    for row in rows:
        pid = str(row["pupil_id"])
        if (pid, original_id(row["original_id"])) in here:
            continue  # the child's own record in this database: the concerns app gives it
        school = row["received__from_school_name"]
        if row["kind"] == "concern":
            part = _PARTS.get(row["title"].strip())
            if part is None or row["occurred_at"] < start:
                continue
            found[pid].concerns.append(
                ConcernFact(
                    id=str(row["id"]),
                    pupil_id=pid,
                    occurred_at=row["occurred_at"],
                    recorded_at=row["received__imported_at"],
                    author_id=_author(school, row["author"]),
                    part=part,
                    categories=category_codes(row["categories"]),
                    transferred_from=school,
                )
            )
            continue
        kind = decision_kind(row["title"])
        if kind is None:
            continue
        found[pid].history.append(
            DecisionFact(
                id=str(row["id"]),
                pupil_id=pid,
                case_id=f"transferred:{row['id']}",
                kind=kind,
                decided_at=row["occurred_at"],
                recorded_at=row["received__imported_at"],
                author_id=_author(school, row["author"]),
                closes_case=kind is DecisionKind.NFA,
                transferred_from=school,
            )
        )
    return found
