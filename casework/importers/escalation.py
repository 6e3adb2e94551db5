"""Escalations (challenging another agency's decision, stage by stage), in the history import and
export."""

import json
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils import timezone

from casework import services
from casework.importers.common import (
    SUB_TARGETS,
    author_fields,
    field_date,
    field_moment,
    field_person,
    field_text,
    iso,
    when_iso,
)
from casework.models import (
    AgencyResponse,
    Escalation,
    StageOutcomeKind,
)
from casework.services._common import Imported
from concerns.importers.common import BadLine, LineError
from pupils.models import Pupil
from schools.models import Membership


def _escalation_cause(raw: dict[str, Any], line: int) -> tuple[str, str]:
    """What an imported escalation was opened from: the answer to a contact (`response_ref`) or
    a pattern finding (`finding_ref`, its id), at least one."""
    response_ref = field_text(raw, line, "response_ref", limit=200)
    finding_ref = field_text(raw, line, "finding_ref", limit=36)
    if not response_ref and not finding_ref:
        raise BadLine(
            LineError(
                line, "response_ref", "is required (or finding_ref, for one opened from a finding)"
            )
        )
    if finding_ref:
        try:
            finding_ref = str(UUID(finding_ref))
        except ValueError as exc:
            raise BadLine(LineError(line, "finding_ref", "must be a finding's id")) from exc
    return response_ref, finding_ref


class _EscalationKind:
    """An escalation with its stages as the old system held them (names, whom, dates, what was
    said, outcomes), opened from the answer to a contact given by its `source_ref`. Stages are
    kept as they were, not re-derived from this school's procedure."""

    kind = "escalation"
    columns = ("response_ref", "finding_ref", "stages")

    def check(
        self, line: int, raw: dict[str, Any], *, pupil: Pupil, school_id: UUID
    ) -> dict[str, Any] | None:
        ref = field_text(raw, line, "source_ref", limit=200)
        if not ref:
            raise BadLine(LineError(line, "source_ref", "is required for this kind"))
        if Escalation.objects.filter(school_id=school_id, source_ref=ref).exists():
            return None
        response_ref, finding_ref = _escalation_cause(raw, line)
        stages = raw.get("stages")
        if isinstance(stages, str):  # CSV: the stages as a JSON list in one cell
            try:
                stages = json.loads(stages)
            except ValueError as exc:
                raise BadLine(LineError(line, "stages", "must be a JSON list")) from exc
        if not isinstance(stages, list) or not stages or len(stages) > 8:
            raise BadLine(LineError(line, "stages", "must list from 1 to 8 stages"))
        read = []
        for number, stage in enumerate(stages, start=1):
            where = f"stages[{number}]"
            if not isinstance(stage, dict):
                raise BadLine(LineError(line, where, "must be an object"))
            started, due = field_date(stage, line, "started_on"), field_date(stage, line, "due_on")
            if started is None or due is None or due < started:
                raise BadLine(LineError(line, where, "needs started_on and a due_on not before it"))
            outcome = field_text(stage, line, "outcome", limit=10)
            decided = field_date(stage, line, "decided_on")
            if outcome and outcome not in StageOutcomeKind.values:
                raise BadLine(LineError(line, f"{where}.outcome", "is not an outcome"))
            if outcome and (decided is None or decided < started):
                raise BadLine(
                    LineError(line, f"{where}.decided_on", "is required, not before the stage")
                )
            if (outcome == StageOutcomeKind.NEXT) != (number < len(stages)):
                raise BadLine(
                    LineError(
                        line, f"{where}.outcome", "only a stage followed by another is 'next'"
                    )
                )
            read.append(
                {
                    "name": field_text(stage, line, "name", limit=120) or f"Stage {number}",
                    "contact": field_text(stage, line, "contact", limit=200),
                    "started_on": started,
                    "due_on": due,
                    "what_was_said": field_text(stage, line, "what_was_said"),
                    "outcome": outcome,
                    "decided_on": decided,
                    "outcome_said": field_text(stage, line, "outcome_said"),
                    "written_at": field_moment(stage, line, "written_at", where=where),
                    "decided_written_at": field_moment(
                        stage, line, "decided_written_at", where=where
                    ),
                    "author": field_person(stage, line, "author", where),
                    "decided_by": field_person(stage, line, "decided_by", where),
                }
            )
        return {
            "source_ref": ref,
            "response_ref": response_ref,
            "finding_ref": finding_ref,
            "stages": read,
        }

    def write(
        self, record: Any, *, actor: Membership, source_system: str, authors: Any = None
    ) -> None:
        fields = record.fields
        assert actor.school_id is not None
        answer = None
        if fields["response_ref"]:
            answer = (
                AgencyResponse.objects.filter(
                    contact__school_id=actor.school_id,
                    contact__pupil=record.pupil,
                    contact__source_ref=fields["response_ref"],
                )
                .order_by("-received_on", "-recorded_at")
                .first()
            )
            if answer is None:
                raise ValidationError(
                    {"response_ref": "no answer to a contact with that source_ref"}
                )
        saved = services.escalation_import(
            actor=actor,
            pupil=record.pupil,
            response=answer,
            finding_id=UUID(fields["finding_ref"]) if fields["finding_ref"] else None,
            reason=record.text,
            opened_on=record.occurred_at.date(),
            stages=[
                services.PastStage(
                    **{k: v for k, v in stage.items() if k not in ("author", "decided_by")}
                )
                for stage in fields["stages"]
            ],
            imported=Imported(source_ref=fields["source_ref"], written_at=record.written_at),
        )
        if authors is not None:
            authors.keep(saved, record.author_name, record.author_role)
            default = (record.author_name, record.author_role)
            stages = saved.stages.order_by("position")
            for stage, read in zip(stages, fields["stages"], strict=True):
                authors.keep(stage, *(read["author"] or default))
                outcome = getattr(stage, "outcome", None)
                if outcome is not None:
                    authors.keep(outcome, *(read["decided_by"] or read["author"] or default))

    targets = ("casework.escalation", *SUB_TARGETS)

    def export(self, school_id: UUID, *, names: Any = None) -> Iterator[dict[str, Any]]:
        rows = (
            Escalation.objects.filter(school_id=school_id)
            .select_related("pupil", "opened_by__user", "response__contact")
            .prefetch_related("stages__outcome")
            .order_by("opened_at", "pk")
        )
        for e in rows:
            contact = e.response.contact if e.response is not None else None
            start = timezone.make_aware(datetime.combine(e.opened_on, time(0, 0)))
            stages = []
            for s in e.stages.order_by("position"):
                outcome = getattr(s, "outcome", None)
                stages.append(
                    {
                        "name": s.name,
                        "contact": s.contact,
                        "started_on": iso(s.started_on),
                        "due_on": iso(s.due_on),
                        "what_was_said": s.what_was_said,
                        "outcome": outcome.kind if outcome else "",
                        "decided_on": iso(outcome.decided_on) if outcome else None,
                        "outcome_said": outcome.what_was_said if outcome else "",
                        "written_at": when_iso(s.recorded_at),
                        "decided_written_at": when_iso(outcome.recorded_at) if outcome else None,
                        "author": author_fields(s, s.recorded_by, names),
                        "decided_by": author_fields(outcome, outcome.recorded_by, names)
                        if outcome
                        else None,
                    }
                )
            yield {
                "kind": self.kind,
                "upn": e.pupil.upn,
                "occurred_at": start.isoformat(),
                "written_at": timezone.localtime(max(e.opened_at, start)).isoformat(),
                "author": author_fields(e, e.opened_by, names),
                "text": e.reason,
                "source_ref": e.source_ref or f"cairn-{e.pk}",
                "response_ref": (contact.source_ref or f"cairn-{contact.pk}") if contact else "",
                # A finding is not carried (the detectors raise it again); its id is kept, so the
                # escalation still says it was opened from one.
                "finding_ref": str(e.finding_id) if e.finding_id else "",
                "stages": stages,
            }


ESCALATION = _EscalationKind()
