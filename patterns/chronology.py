"""Findings on a child's chronology: a chronology source (see sources/chronology.py)."""

from collections.abc import Iterable, Sequence
from uuid import UUID

from django.urls import reverse
from django.utils import timezone

from patterns.access import findings_visible_to
from patterns.models import FindingSeverity
from patterns.registry import get_detector
from schools.models import Membership
from sources.chronology import Entry, Window
from sources.words import codes_in_text


def _summary(slug: str) -> str:
    try:
        return get_detector(slug).summary
    except KeyError:
        return slug


def finding_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """The findings about these children that `viewer` may read, dated when first raised.

    Household findings join a child's chronology when the households model is merged.
    """
    findings = findings_visible_to(viewer=viewer).filter(pupil_id__in=pupil_ids)
    if window.start is not None:
        findings = findings.filter(first_raised_at__date__gte=window.start)
    if window.end is not None:
        findings = findings.filter(first_raised_at__date__lte=window.end)
    for finding in findings.order_by("first_raised_at", "detector"):
        assert finding.pupil_id is not None
        yield Entry(
            kind="finding",
            kind_label="Pattern finding",
            source_id=str(finding.pk),
            pupil_id=finding.pupil_id,
            occurred_at=timezone.localtime(finding.first_raised_at),
            recorded_at=finding.first_raised_at,
            title=_summary(finding.detector),
            summary=codes_in_text(finding.detail),
            url=reverse("patterns:detail", args=[finding.pk]),
            significant=finding.severity != FindingSeverity.CONSIDER,
            categories=(finding.get_severity_display(),),
        )
