"""A school's history in the import format (docs/import-format.md), for `export_history`.

Exporting and importing the file into a school with the same children gives the same records:
concerns (the current version's text and categories, the child the concern is about), current
decisions, behaviour incidents, and the kinds other apps import (settings.HISTORY_IMPORT_KINDS,
each with an `export(school_id)`). A record with no `source_ref` is given `cairn-<id>`, so a
second import of the file skips what the first brought in. Every child in the file has the
export in their access log.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Prefetch
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from concerns.importers.history import extra_kinds
from concerns.models import (
    BehaviourIncident,
    Concern,
    ConcernPupil,
    ConcernVersion,
    Decision,
    Outcome,
    Part,
)
from schools.models import Membership


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


def _ref(source_ref: str, pk: object) -> str:
    return source_ref or f"cairn-{pk}"


def _concern_lines(school_id: UUID) -> Iterator[dict[str, Any]]:
    concerns = (
        Concern.objects.filter(school_id=school_id)
        .prefetch_related(
            Prefetch("parts", queryset=ConcernPupil.objects.select_related("pupil")),
            Prefetch(
                "versions",
                queryset=ConcernVersion.objects.order_by("-number").prefetch_related("categories"),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(superseded_by__isnull=True)
                .select_related("allegation")
                .order_by("decided_at"),
            ),
        )
        .order_by("occurred_at", "pk")
    )
    for concern in concerns:
        parts = list(concern.parts.all())
        subject = next((p for p in parts if p.part == Part.SUBJECT), parts[0] if parts else None)
        if subject is None:
            continue
        version = concern.versions.all()[0]
        ref = _ref(concern.source_ref, concern.pk)
        yield {
            "kind": "concern",
            "upn": subject.pupil.upn,
            "occurred_at": _iso(concern.occurred_at),
            "written_at": _iso(concern.written_at),
            "author": {"name": concern.author_name, "role": concern.author_role},
            "text": version.facts,
            "child_words": version.child_words,
            "categories": sorted(c.code for c in version.categories.all()),
            "location": concern.location,
            "source_ref": ref,
        }
        for decision in concern.decisions.all():
            line: dict[str, Any] = {
                "kind": "decision",
                "upn": subject.pupil.upn,
                "occurred_at": _iso(decision.decided_at),
                "written_at": _iso(decision.written_at),
                "author": {"name": decision.decided_by_name, "role": ""},
                "text": decision.rationale,
                "concern_ref": ref,
                "outcome": decision.outcome,
            }
            if decision.review_date:
                line["review_date"] = decision.review_date.isoformat()
            if decision.referral_reference:
                line["referral_reference"] = decision.referral_reference
            if decision.referral_date:
                line["referral_date"] = decision.referral_date.isoformat()
            allegation = getattr(decision, "allegation", None)
            if decision.outcome == Outcome.LADO and allegation is not None:
                line["adult_name"] = allegation.adult_name
                line["adult_role"] = allegation.adult_role
            yield line


def _behaviour_lines(school_id: UUID) -> Iterator[dict[str, Any]]:
    incidents = (
        BehaviourIncident.objects.filter(school_id=school_id)
        .select_related("pupil")
        .order_by("occurred_at", "pk")
    )
    for incident in incidents:
        yield {
            "kind": "behaviour",
            "upn": incident.pupil.upn,
            "occurred_at": _iso(incident.occurred_at),
            "written_at": _iso(max(incident.recorded_at, incident.occurred_at)),
            "author": {"name": incident.author_name, "role": ""},
            "text": incident.description or incident.incident_type,
            "incident_type": incident.incident_type,
            "source_ref": _ref(incident.source_ref, incident.pk),
        }


def export_history(*, actor: Membership) -> list[dict[str, Any]]:
    """Every line of the actor's school's history, oldest first within each kind; the export
    is audited once per child in it."""
    school_id = actor.school_id
    if school_id is None:
        raise ValueError("the export must be run for a school")
    lines = [*_concern_lines(school_id), *_behaviour_lines(school_id)]
    for kind in extra_kinds().values():
        lines.extend(kind.export(school_id))
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
