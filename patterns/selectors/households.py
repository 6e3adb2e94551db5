"""Findings about households: each household named by its children (`household_labels`), and
the open findings about the households a child lives in now, for the child's page."""

from typing import Any
from uuid import UUID

from patterns.selectors.findings import _open


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def household_labels(household_ids: Any) -> dict[str, str]:
    """Each household named by its children ("the household of Ava Smith and Ben Smith"), in
    one query: a household finding is read by whom it is about, never by an id."""
    from pupils.models import HouseholdMember

    wanted: dict[str, str] = {}
    for raw in household_ids:
        try:
            wanted[str(UUID(str(raw)))] = str(raw)
        except ValueError:
            continue
    members: dict[str, list[str]] = {key: [] for key in wanted}
    rows = (
        HouseholdMember.objects.filter(household_id__in=list(wanted), left_on__isnull=True)
        .select_related("pupil")
        .order_by("pupil__date_of_birth")
    )
    for row in rows:
        members[str(row.household_id)].append(row.pupil.display_name)
    return {
        wanted[key]: f"the household of {_names(names)}" if names else "a household"
        for key, names in members.items()
    }


def household_findings_for_pupil(*, viewer: Any, pupil_id: Any) -> list[dict[str, Any]]:
    """The open findings about the households the child lives in now, as `findings_for_pupil`
    gives the child's own, each with the household named by its children."""
    from patterns.access import findings_visible_to
    from patterns.registry import get_detector
    from pupils.models import HouseholdMember

    homes = [
        str(h)
        for h in HouseholdMember.objects.filter(
            pupil_id=pupil_id, left_on__isnull=True
        ).values_list("household_id", flat=True)
    ]
    if not homes:
        return []
    findings = list(
        findings_visible_to(viewer=viewer)
        .filter(_open(), subject_kind="household", household_id__in=homes, is_current=True)
        .order_by("-first_raised_at")
    )
    labels = household_labels(f.household_id for f in findings)
    rows = []
    for finding in findings:
        try:
            summary = get_detector(finding.detector).summary
        except KeyError:
            summary = finding.detector
        rows.append(
            {
                "finding": finding,
                "summary": summary,
                "household": labels.get(finding.household_id, "a household"),
            }
        )
    return rows
