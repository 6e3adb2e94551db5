"""Checking each history line against the school's pupils, categories and earlier lines, before
anything is written (all-or-nothing: docs/import-format.md)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from audit.bounds import quoted
from concerns.importers.common import (
    BadLine,
    LineError,
    PupilLookup,
)
from concerns.importers.history_lines import extra_kinds
from concerns.importers.history_values import (
    read_attachment,
    read_body_mark,
    read_bool,
    read_date,
    read_items,
    read_moment,
    read_person,
    read_text,
    read_themes,
)
from concerns.models import (
    BehaviourIncident,
    Category,
    ChildPresent,
    Concern,
    Decision,
    EncompassNotification,
    Outcome,
    Part,
)
from pupils.models import Pupil

KINDS = ("concern", "decision", "behaviour", "encompass")


@dataclass(frozen=True, slots=True)
class CheckedRecord:
    line: int
    kind: str
    pupil: Pupil
    occurred_at: datetime
    written_at: datetime
    author_name: str
    author_role: str
    text: str
    fields: dict[str, Any]


class Checker:
    """Checks one record at a time against the school's pupils, categories and earlier lines."""

    def __init__(self, *, school_id: UUID, lookup: PupilLookup, now: datetime) -> None:
        self.lookup = lookup
        self.now = now
        self.school_id = school_id
        self.categories = {c.code: c for c in Category.objects.filter(school_id=school_id)}
        self.known_refs = set(
            Concern.objects.filter(school_id=school_id)
            .exclude(source_ref="")
            .values_list("source_ref", flat=True)
        )
        self.known_behaviour = set(
            BehaviourIncident.objects.filter(school_id=school_id)
            .exclude(source_ref="")
            .values_list("source_ref", flat=True)
        )
        self.file_refs: set[str] = set()
        self.decided: set[str] = set()
        self.known_encompass = set(
            EncompassNotification.objects.filter(school_id=school_id).values_list(
                "police_reference", "occurred_at"
            )
        )
        self.file_encompass: set[tuple[str, datetime]] = set()
        self.occurred = self.written = now

    def check(self, line: int, raw: dict[str, Any]) -> CheckedRecord | None:
        """The record, or None when it was imported before (skipped); raises BadLine."""
        kind = raw.get("kind")
        extras = extra_kinds()
        if not isinstance(kind, str) or (kind not in KINDS and kind not in extras):
            every = ", ".join([*KINDS, *extras])
            raise BadLine(LineError(line, "kind", f"must be one of {every}"))
        upn = read_text(raw.get("upn"), line, "upn", required=True, limit=13)
        pupil = self.lookup.get(upn)
        if pupil is None and hasattr(extras.get(kind), "new_pupil"):
            # A line that brings the child: an enrolment names a pupil not yet in Cairn.
            pupil = extras[kind].new_pupil(line, raw)
            self.lookup.add(upn, pupil)
        if pupil is None:
            raise BadLine(LineError(line, "upn", f"{quoted(upn)} is not a pupil at this school"))
        occurred = read_moment(raw.get("occurred_at"), line, "occurred_at")
        written = (
            read_moment(raw["written_at"], line, "written_at")
            if raw.get("written_at")
            else occurred
        )
        if occurred > self.now:
            raise BadLine(LineError(line, "occurred_at", "is in the future"))
        if written < occurred:
            raise BadLine(LineError(line, "written_at", "is before occurred_at"))
        if written > self.now:
            raise BadLine(LineError(line, "written_at", "is in the future"))
        author = raw.get("author")
        if not isinstance(author, dict):
            raise BadLine(LineError(line, "author", "must be an object with name and role"))
        name = read_text(
            author.get("name"), line, "author.name", required=True, limit=200, is_name=True
        )
        role = read_text(author.get("role"), line, "author.role", required=False, limit=100)
        # A kind another app imports says for itself whether its text is required.
        text = read_text(raw.get("text"), line, "text", required=kind in KINDS[:3])
        if kind in extras:
            fields = extras[kind].check(line, raw, pupil=pupil, school_id=self.school_id)
        else:
            self.occurred, self.written = occurred, written
            fields = getattr(self, f"_{kind}")(line, raw)
        if fields is None:
            return None
        return CheckedRecord(line, str(kind), pupil, occurred, written, name, role, text, fields)

    def _ref(
        self, line: int, raw: dict[str, Any], known: set[str], *, limit: int = 200
    ) -> str | None:
        ref = read_text(raw.get("source_ref"), line, "source_ref", required=False, limit=limit)
        if ref and ref in self.file_refs:
            raise BadLine(LineError(line, "source_ref", f"{quoted(ref)} appears twice in the file"))
        if ref and ref in known:
            return None
        if ref:
            self.file_refs.add(ref)
        return ref

    def _concern(self, line: int, raw: dict[str, Any]) -> dict[str, Any] | None:
        ref = self._ref(line, raw, self.known_refs)
        if ref is None:
            return None
        subject = self.lookup.get(str(raw.get("upn", "")))
        return {
            "source_ref": ref,
            "child_words": read_text(raw.get("child_words"), line, "child_words", required=False),
            "child_themes": read_themes(raw, line, "child_themes"),
            "location": read_text(raw.get("location"), line, "location", required=False, limit=200),
            "categories": self._categories(line, raw, "categories"),
            "urgent_told_dsl": read_bool(raw.get("urgent_told_dsl"), line, "urgent_told_dsl")
            or False,
            "told_dsl_name": read_text(
                raw.get("told_dsl_name"), line, "told_dsl_name", required=False, limit=200
            ),
            "children": self._children(line, raw, subject),
            "amendments": [
                self._amendment(line, n, a) for n, a in read_items(raw, line, "amendments")
            ],
            "body_marks": [
                read_body_mark(line, n, m) for n, m in read_items(raw, line, "body_marks")
            ],
            "notes": [self._note(line, n, note) for n, note in read_items(raw, line, "notes")],
            "attachments": [
                read_attachment(line, n, a) for n, a in read_items(raw, line, "attachments")
            ],
            "actions": [self._action(line, n, a) for n, a in read_items(raw, line, "actions")],
        }

    def _categories(self, line: int, raw: dict[str, Any], name: str) -> list[Category]:
        codes = raw.get("categories", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise BadLine(LineError(line, name, "must be a list of category codes"))
        unknown = [c for c in codes if c not in self.categories]
        if unknown:
            raise BadLine(LineError(line, name, f"unknown category code {quoted(unknown[0])}"))
        return [self.categories[c] for c in codes]

    def _children(self, line: int, raw: dict[str, Any], subject: Pupil | None) -> list[Any]:
        seen = {subject.pk} if subject else set()
        children = []
        for number, item in read_items(raw, line, "children"):
            where = f"children[{number}]"
            upn = read_text(item.get("upn"), line, f"{where}.upn", required=True, limit=13)
            pupil = self.lookup.get(upn)
            if pupil is None:
                raise BadLine(LineError(line, f"{where}.upn", f"{quoted(upn)} is not a pupil here"))
            if pupil.pk in seen:
                raise BadLine(LineError(line, f"{where}.upn", "names a child twice on one concern"))
            seen.add(pupil.pk)
            part = item.get("part", Part.INVOLVED)
            if part not in Part.values:  # a concern may be about several children
                raise BadLine(
                    LineError(line, f"{where}.part", "must be subject, involved or witness")
                )
            children.append((pupil, part))
        return children

    def _person(self, item: dict[str, Any], line: int, where: str) -> tuple[str, str]:
        return read_person(item, line, where)

    def _when(self, item: dict[str, Any], line: int, where: str, *, after: datetime) -> datetime:
        moment = read_moment(item.get(where.rsplit(".", 1)[-1]), line, where)
        if moment < after:
            raise BadLine(LineError(line, where, "is before the record it belongs to was written"))
        if moment > self.now:
            raise BadLine(LineError(line, where, "is in the future"))
        return moment

    def _amendment(self, line: int, number: int, item: dict[str, Any]) -> dict[str, Any]:
        where = f"amendments[{number}]"
        return {
            "facts": read_text(item.get("text"), line, f"{where}.text", required=True),
            "child_words": read_text(
                item.get("child_words"), line, f"{where}.child_words", required=False
            ),
            "child_themes": read_themes(item, line, f"{where}.child_themes"),
            "categories": self._categories(line, item, f"{where}.categories"),
            "reason": read_text(item.get("reason"), line, f"{where}.reason", required=True),
            "written_at": self._when(item, line, f"{where}.written_at", after=self.written),
            "author": self._person(item, line, f"{where}.author"),
        }

    def _note(self, line: int, number: int, item: dict[str, Any]) -> dict[str, Any]:
        where = f"notes[{number}]"
        return {
            "text": read_text(item.get("text"), line, f"{where}.text", required=True),
            "written_at": self._when(item, line, f"{where}.written_at", after=self.written),
            "author": self._person(item, line, f"{where}.author"),
        }

    def _action(self, line: int, number: int, item: dict[str, Any]) -> dict[str, Any]:
        where = f"actions[{number}]"
        due = read_date(item.get("due_on"), line, f"{where}.due_on")
        if due is None:
            raise BadLine(LineError(line, f"{where}.due_on", "is required"))
        created = self._when(item, line, f"{where}.created_at", after=self.written)
        done: dict[str, Any] | None = None
        if item.get("completed_at"):
            done = {
                "completed_at": self._when(item, line, f"{where}.completed_at", after=created),
                "note": read_text(
                    item.get("completion_note"), line, f"{where}.completion_note", required=True
                ),
                "by": self._person(item, line, f"{where}.completed_by"),
            }
        return {
            "description": read_text(item.get("text"), line, f"{where}.text", required=True),
            "due_on": due,
            "created_at": created,
            "author": self._person(item, line, f"{where}.author"),
            "assigned_to": self._person(item, line, f"{where}.assigned_to"),
            "done": done,
        }

    def _decision(self, line: int, raw: dict[str, Any]) -> dict[str, Any] | None:
        concern_ref = read_text(
            raw.get("concern_ref"), line, "concern_ref", required=True, limit=200
        )
        held_before = concern_ref in self.known_refs and concern_ref not in self.file_refs
        if not held_before and concern_ref not in self.file_refs:
            raise BadLine(
                LineError(line, "concern_ref", f"no concern with source_ref {quoted(concern_ref)}")
            )
        try:
            outcome = Outcome(str(raw.get("outcome")))
        except ValueError as exc:
            choices = ", ".join(o.value for o in Outcome)
            raise BadLine(LineError(line, "outcome", f"must be one of {choices}")) from exc
        if (
            held_before
            and Decision.objects.filter(
                concern__school_id=self.school_id,
                concern__source_ref=concern_ref,
                decided_at=self.occurred,
                outcome=outcome,
            ).exists()
        ):
            return None  # this decision was imported with its concern before
        review = read_date(raw.get("review_date"), line, "review_date")
        if outcome == Outcome.MONITOR and review is None:
            raise BadLine(LineError(line, "review_date", "is required for monitor"))
        adult_name = read_text(
            raw.get("adult_name"), line, "adult_name", required=False, limit=200, is_name=True
        )
        adult_role = read_text(raw.get("adult_role"), line, "adult_role", required=False, limit=200)
        if outcome == Outcome.LADO and not (adult_name and adult_role):
            raise BadLine(LineError(line, "adult_name", "adult_name and adult_role are required"))
        change_reason = read_text(raw.get("change_reason"), line, "change_reason", required=False)
        if change_reason and concern_ref not in self.decided and not held_before:
            raise BadLine(
                LineError(line, "change_reason", "there is no earlier decision to change")
            )
        self.decided.add(concern_ref)
        referral_date = read_date(raw.get("referral_date"), line, "referral_date")
        outcomes = []
        for number, item in read_items(raw, line, "referral_outcomes"):
            where = f"referral_outcomes[{number}]"
            received = read_date(item.get("received_on"), line, f"{where}.received_on")
            if received is None:
                raise BadLine(LineError(line, f"{where}.received_on", "is required"))
            if received < self.occurred.date():
                raise BadLine(LineError(line, f"{where}.received_on", "is before the decision"))
            agrees = read_bool(item.get("school_agrees"), line, f"{where}.school_agrees")
            if agrees is None:
                raise BadLine(LineError(line, f"{where}.school_agrees", "must be true or false"))
            next_steps = read_text(
                item.get("next_steps"), line, f"{where}.next_steps", required=not agrees
            )
            outcomes.append(
                {
                    "received_on": received,
                    "outcome": read_text(
                        item.get("outcome"), line, f"{where}.outcome", required=True
                    ),
                    "school_agrees": agrees,
                    "next_steps": next_steps,
                    "recorded_at": self._when(
                        item, line, f"{where}.recorded_at", after=self.occurred
                    ),
                    "author": self._person(item, line, f"{where}.author"),
                }
            )
        return {
            "concern_ref": concern_ref,
            "outcome": outcome,
            "review_date": review,
            "referral_reference": read_text(
                raw.get("referral_reference"), line, "referral_reference", required=False, limit=100
            ),
            "referral_date": referral_date,
            "agency": read_text(raw.get("agency"), line, "agency", required=False, limit=200),
            "outcome_expected_by": read_date(
                raw.get("outcome_expected_by"), line, "outcome_expected_by"
            ),
            "change_reason": change_reason,
            "adult_name": adult_name,
            "adult_role": adult_role,
            "lado_reference": read_text(
                raw.get("lado_reference"), line, "lado_reference", required=False, limit=100
            ),
            "referral_outcomes": outcomes,
        }

    def _behaviour(self, line: int, raw: dict[str, Any]) -> dict[str, Any] | None:
        ref = self._ref(line, raw, self.known_behaviour, limit=100)
        if ref is None:
            return None
        kind = read_text(raw.get("incident_type"), line, "incident_type", required=True, limit=120)
        return {
            "source_ref": ref,
            "incident_type": kind,
            "action_taken": read_text(
                raw.get("action_taken"), line, "action_taken", required=False, limit=200
            ),
        }

    def _encompass(self, line: int, raw: dict[str, Any]) -> dict[str, Any] | None:
        reference = read_text(
            raw.get("police_reference"), line, "police_reference", required=True, limit=100
        )
        key = (reference, self.occurred)
        if key in self.file_encompass:
            raise BadLine(LineError(line, "police_reference", "appears twice in the file"))
        if key in self.known_encompass:
            return None
        self.file_encompass.add(key)
        received = read_moment(raw.get("received_at"), line, "received_at")
        if received < self.occurred:
            raise BadLine(LineError(line, "received_at", "is before the incident (occurred_at)"))
        welfare = read_date(raw.get("welfare_check_on"), line, "welfare_check_on")
        if welfare is None:
            raise BadLine(LineError(line, "welfare_check_on", "is required"))
        present = raw.get("child_present", "")
        if present not in ChildPresent.values:
            choices = ", ".join(ChildPresent.values)
            raise BadLine(LineError(line, "child_present", f"must be one of {choices}"))
        subject = self.lookup.get(str(raw.get("upn", "")))
        return {
            "police_reference": reference,
            "received_at": received,
            "child_present": present,
            "voice_of_child": read_text(
                raw.get("voice_of_child"), line, "voice_of_child", required=False
            ),
            "welfare_check_on": welfare,
            "children": [p for p, _part in self._children(line, raw, subject)],
        }
