"""A school's history in the import format (docs/import-format.md), for `export_history`.

Exporting and importing the file into a school with the same children gives the same records:
concerns (the current version's text and categories, the child the concern is about), current
decisions, behaviour incidents, and the kinds other apps import (settings.HISTORY_IMPORT_KINDS,
each with an `export(school_id)`). A record with no `source_ref` is given `cairn-<id>`, so a
second import of the file skips what the first brought in. Every child in the file has the
export in their access log.
"""

import base64
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Prefetch
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from concerns.importers.authors import AuthorNames
from concerns.importers.history import extra_kinds
from concerns.models import (
    Action,
    Attachment,
    BehaviourIncident,
    Concern,
    ConcernPupil,
    ConcernVersion,
    Decision,
    EncompassNotification,
    Note,
    Outcome,
    Part,
    ReferralOutcome,
)
from concerns.services.attachments import attachment_path
from schools.models import Membership


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


def _ref(source_ref: str, pk: object) -> str:
    return source_ref or f"cairn-{pk}"


def _compact(line: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in line.items() if v not in ("", None, [], False)}


TARGETS = (
    "concerns.concern",
    "concerns.concernversion",
    "concerns.note",
    "concerns.attachment",
    "concerns.action",
    "concerns.actioncompletion",
    "concerns.decision",
    "concerns.allegationrecord",
    "concerns.referraloutcome",
    "concerns.encompassnotification",
)


def _attachment_line(attachment: Attachment, names: AuthorNames) -> dict[str, Any]:
    content = attachment_path(attachment).read_bytes()
    return {
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "content": base64.b64encode(content).decode("ascii"),
        "uploaded_at": _iso(attachment.uploaded_at),
        "author": names.of(attachment, attachment.uploaded_by),
    }


def _action_line(action: Action, names: AuthorNames) -> dict[str, Any]:
    line: dict[str, Any] = {
        "text": action.description,
        "due_on": action.due_on.isoformat(),
        "created_at": _iso(action.created_at),
        "author": names.of(action, action.created_by),
        "assigned_to": names.of(action, action.assigned_to, field="assigned_to"),
    }
    done = getattr(action, "completion", None)
    if done is not None:
        line |= {
            "completed_at": _iso(done.completed_at),
            "completion_note": done.note,
            "completed_by": names.of(done, done.completed_by),
        }
    return line


def _concern_lines(school_id: UUID, names: AuthorNames) -> Iterator[dict[str, Any]]:
    member = "user"
    concerns = (
        Concern.objects.filter(school_id=school_id)
        .prefetch_related(
            Prefetch("parts", queryset=ConcernPupil.objects.select_related("pupil")),
            Prefetch(
                "versions",
                queryset=ConcernVersion.objects.order_by("number")
                .select_related(f"written_by__{member}")
                .prefetch_related("categories"),
            ),
            "body_marks",
            Prefetch(
                "notes",
                queryset=Note.objects.select_related(f"written_by__{member}").order_by(
                    "written_at", "pk"
                ),
            ),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.select_related(f"uploaded_by__{member}").order_by(
                    "uploaded_at", "pk"
                ),
            ),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related(
                    f"created_by__{member}",
                    f"assigned_to__{member}",
                    f"completion__completed_by__{member}",
                ).order_by("created_at", "pk"),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related(
                    "allegation", f"decided_by__{member}", "supersedes"
                )
                .prefetch_related(
                    Prefetch(
                        "outcomes",
                        queryset=ReferralOutcome.objects.select_related(
                            f"recorded_by__{member}"
                        ).order_by("received_on", "recorded_at"),
                    )
                )
                .order_by("decided_at", "written_at", "pk"),
            ),
        )
        .order_by("occurred_at", "pk")
    )
    for concern in concerns:
        parts = sorted(concern.parts.all(), key=lambda p: (p.part != Part.SUBJECT, p.pupil.upn))
        if not parts:
            continue
        subject = parts[0]
        versions = list(concern.versions.all())
        first, amendments = versions[0], versions[1:]
        ref = _ref(concern.source_ref, concern.pk)
        yield _compact(
            {
                "kind": "concern",
                "upn": subject.pupil.upn,
                "occurred_at": _iso(concern.occurred_at),
                "written_at": _iso(concern.written_at),
                "author": {"name": concern.author_name, "role": concern.author_role},
                "text": first.facts,
                "child_words": first.child_words,
                "child_themes": list(first.themes),
                "categories": sorted(c.code for c in first.categories.all()),
                "location": concern.location,
                "source_ref": ref,
                "urgent_told_dsl": concern.urgent_told_dsl,
                "told_dsl_name": concern.told_dsl_name,
                "children": [
                    {"upn": p.pupil.upn, "part": p.part} for p in parts if p is not subject
                ],
                "amendments": [
                    _compact(
                        {
                            "text": v.facts,
                            "child_words": v.child_words,
                            "child_themes": list(v.themes),
                            "categories": sorted(c.code for c in v.categories.all()),
                            "reason": v.reason,
                            "written_at": _iso(v.written_at),
                            "author": names.of(v, v.written_by),
                        }
                    )
                    for v in amendments
                ],
                "body_marks": [
                    _compact(
                        {
                            "side": m.side,
                            "region": m.region,
                            "x": str(m.x) if m.x is not None else None,
                            "y": str(m.y) if m.y is not None else None,
                            "description": m.description,
                        }
                    )
                    for m in sorted(concern.body_marks.all(), key=lambda m: m.pk)
                ],
                "notes": [
                    {
                        "text": n.text,
                        "written_at": _iso(n.written_at),
                        "author": names.of(n, n.written_by),
                    }
                    for n in concern.notes.all()
                ],
                "attachments": [_attachment_line(a, names) for a in concern.attachments.all()],
                "actions": [_action_line(a, names) for a in concern.actions.all()],
            }
        )
        for decision in concern.decisions.all():
            author = names.of(decision, decision.decided_by)
            line: dict[str, Any] = {
                "kind": "decision",
                "upn": subject.pupil.upn,
                "occurred_at": _iso(decision.decided_at),
                "written_at": _iso(decision.written_at),
                "author": {"name": decision.decided_by_name, "role": author["role"]},
                "text": decision.rationale,
                "concern_ref": ref,
                "outcome": decision.outcome,
                "review_date": decision.review_date,
                "referral_reference": decision.referral_reference,
                "referral_date": decision.referral_date,
                "agency": decision.agency,
                "outcome_expected_by": decision.outcome_expected_by,
                "change_reason": decision.change_reason if decision.supersedes_id else "",
            }
            allegation = getattr(decision, "allegation", None)
            if decision.outcome == Outcome.LADO and allegation is not None:
                line["adult_name"] = allegation.adult_name
                line["adult_role"] = allegation.adult_role
                line["lado_reference"] = allegation.lado_reference
            line["referral_outcomes"] = [
                _compact(
                    {
                        "received_on": o.received_on.isoformat(),
                        "outcome": o.outcome,
                        "school_agrees": o.school_agrees,
                        "next_steps": o.next_steps,
                        "recorded_at": _iso(o.recorded_at),
                        "author": names.of(o, o.recorded_by),
                    }
                )
                | {"school_agrees": o.school_agrees}
                for o in decision.outcomes.all()
            ]
            yield _compact(
                {k: v.isoformat() if isinstance(v, date) else v for k, v in line.items()}
            )


def _behaviour_lines(school_id: UUID) -> Iterator[dict[str, Any]]:
    incidents = (
        BehaviourIncident.objects.filter(school_id=school_id)
        .select_related("pupil")
        .order_by("occurred_at", "pk")
    )
    for incident in incidents:
        yield _compact(
            {
                "kind": "behaviour",
                "upn": incident.pupil.upn,
                "occurred_at": _iso(incident.occurred_at),
                "written_at": _iso(max(incident.recorded_at, incident.occurred_at)),
                "author": {"name": incident.author_name, "role": ""},
                "text": incident.description or incident.incident_type,
                "incident_type": incident.incident_type,
                "action_taken": incident.action_taken,
                "source_ref": _ref(incident.source_ref, incident.pk),
            }
        )


def _encompass_lines(school_id: UUID, names: AuthorNames) -> Iterator[dict[str, Any]]:
    notifications = (
        EncompassNotification.objects.filter(school_id=school_id)
        .select_related("recorded_by__user")
        .prefetch_related("pupils")
        .order_by("occurred_at", "pk")
    )
    for n in notifications:
        upns = sorted(p.upn for p in n.pupils.all())
        if not upns:
            continue
        yield _compact(
            {
                "kind": "encompass",
                "upn": upns[0],
                "children": [{"upn": upn} for upn in upns[1:]],
                "occurred_at": _iso(n.occurred_at),
                "written_at": _iso(max(n.recorded_at, n.occurred_at)),
                "author": names.of(n, n.recorded_by),
                "text": n.details,
                "police_reference": n.police_reference,
                "received_at": _iso(n.received_at),
                "child_present": n.child_present,
                "voice_of_child": n.voice_of_child,
                "welfare_check_on": n.welfare_check_on.isoformat(),
            }
        )


def export_history(*, actor: Membership) -> list[dict[str, Any]]:
    """Every line of the actor's school's history, oldest first within each kind; the export
    is audited once per child in it."""
    school_id = actor.school_id
    if school_id is None:
        raise ValueError("the export must be run for a school")
    kinds = extra_kinds().values()
    names = AuthorNames([*TARGETS, *(t for k in kinds for t in getattr(k, "targets", ()))])
    lines: list[dict[str, Any]] = []
    for kind in kinds:  # pupils and their enrolments come first, when that kind is carried
        if getattr(kind, "first", False):
            lines.extend(kind.export(school_id, names=names))
    lines += [
        *_concern_lines(school_id, names),
        *_behaviour_lines(school_id),
        *_encompass_lines(school_id, names),
    ]
    for kind in kinds:
        if not getattr(kind, "first", False):
            lines.extend(kind.export(school_id, names=names))
    children = sorted({line["upn"] for line in lines})
    from pupils.models import Pupil

    for pupil_id in Pupil.objects.filter(upn__in=children).values_list("pk", flat=True):
        audit.record(
            actor=actor,
            action=AuditAction.HISTORY_EXPORTED,
            pupil_id=pupil_id,
            details={"lines": sum(1 for _ in lines)},
        )
    return lines
