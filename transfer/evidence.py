"""A finding's evidence that rests on a child protection file received from another school
(settings.PATTERN_EVIDENCE_SOURCES; the records come to the detectors through `transfer.facts`).

The finding page names the record as what it is and where it came from ("Concern, transferred
from Northfield Primary"). Only a viewer who may read the child's record and the school's
transferred records (`transfer.access.access_transferred_record`, the chronology's rule) gets the
link to the record's entry on the child's chronology and an excerpt of its words.
"""

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from patterns.selectors import EvidenceView
from schools.models import Membership
from schools.reasons import AccessReasonRequiredError
from transfer.access import access_transferred_record
from transfer.models import TransferredRecord

EXCERPT_LENGTH = 160
UNNAMED = "Record transferred from another school"


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + "…"


def _record_id(ref: str) -> UUID | None:
    try:
        return UUID(ref)
    except ValueError:
        return None


def evidence_row(*, viewer: Membership, finding: Any, ref: str) -> EvidenceView:
    """The evidence row for the transferred record `ref` of `finding`'s child."""
    record_id = _record_id(ref)
    if record_id is None:
        return EvidenceView(label=UNNAMED)  # facts from a file: no record in this database
    found = (
        TransferredRecord.objects.filter(pk=record_id, pupil_id=finding.pupil_id)
        .values_list("kind_label", "received__from_school_name")
        .first()
    )
    if found is None:
        return EvidenceView(label=UNNAMED)
    label = f"{found[0]}, transferred from {found[1]}"
    try:
        record = access_transferred_record(viewer=viewer, record_id=record_id)
    except (Http404, AccessReasonRequiredError):
        return EvidenceView(label=label)
    day = timezone.localdate(record.occurred_at).isoformat()
    query = urlencode({"kind": "transferred", "start": day, "end": day})
    return EvidenceView(
        label=label,
        url=f"{reverse('chronology:pupil', args=[record.pupil_id])}?{query}",
        excerpt=_excerpt(f"{record.title}. {record.summary}".strip(". ")),
    )
