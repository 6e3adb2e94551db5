"""Reading findings: those still waiting for the DSL (`open_findings`, the school's inbox, the
child's findings panel), the decisions on the findings a finding was raised again after, the
findings as they stood on a day, what the detectors find in the records as written by a day,
and the children on the roll a finding may open an escalation about."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from patterns.models import Finding, FindingDecision, FindingSeverity
from patterns.selectors.configs import school_configs


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
