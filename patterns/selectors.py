"""Reading findings and settings."""

from collections.abc import Collection, Mapping
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from patterns.engine import ConfigFor
from patterns.models import DetectorSettings, Finding
from patterns.registry import all_detectors


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


def findings_for_school(*, school_id: Any, include_stale: bool = False) -> QuerySet[Finding]:
    """The school's current findings, most severe and newest first (for the DSL's inbox)."""
    from django.db.models import Case, IntegerField, Value, When

    rank = Case(
        When(severity="review_now", then=Value(3)),
        When(severity="review", then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    findings = Finding.objects.filter(school_id=school_id, is_current=True)
    if not include_stale:
        findings = findings.filter(stale=False)
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
        .filter(pupil_id=pupil_id, is_current=True, stale=False)
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


def finding_counts(*, school_ids: Collection[Any]) -> dict[str, dict[str, int]]:
    """Counts only, for governor and trust aggregates: current, not stale findings per detector
    and severity. Never a child, a household or a record."""
    from django.db.models import Count

    rows = (
        Finding.objects.filter(school_id__in=list(school_ids), is_current=True, stale=False)
        .values("detector", "severity")
        .annotate(n=Count("id"))
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["detector"], {})[row["severity"]] = row["n"]
    return counts
