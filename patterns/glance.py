"""Findings in the front sheet's "At a glance" (settings.PUPIL_FRONT_SHEET_GLANCE): the open
findings about the child and about the household the child lives in, each named in words."""

from uuid import UUID

from django.urls import reverse

from patterns.access import FINDING_READERS
from patterns.panels import sheet_findings
from patterns.selectors import household_findings_for_pupil
from pupils.models import Pupil
from pupils.selectors import GlanceItem, GlanceRow, ListFlag
from schools.models import Membership

_COLOUR = {"review_now": "red", "review": "orange", "consider": "grey"}


def front_sheet_glance(*, viewer: Membership, pupil: Pupil) -> list[GlanceRow]:
    if viewer.role not in FINDING_READERS:
        return []
    own = sheet_findings(viewer=viewer, pupil=pupil)
    homes = household_findings_for_pupil(viewer=viewer, pupil_id=pupil.pk)
    items = [
        GlanceItem(
            text=row["summary"],
            href=reverse("patterns:detail", args=[row["finding"].pk]),
            tag=row["finding"].get_severity_display(),
            tag_colour=_COLOUR.get(row["finding"].severity, "grey"),
        )
        for row in own
    ]
    items += [
        GlanceItem(
            text=f"About {row['household']}: {row['summary']}",
            href=reverse("patterns:detail", args=[row["finding"].pk]),
            tag=row["finding"].get_severity_display(),
            tag_colour=_COLOUR.get(row["finding"].severity, "grey"),
        )
        for row in homes
    ]
    if not items:
        value = "None open"
    else:
        value = f"{len(own)} about the child" if own else "None about the child"
        if homes:
            value += f", {len(homes)} about the household"
    return [GlanceRow("Open findings", value, tuple(items), 60, "glance-findings")]


def list_flags(*, viewer: Membership, pupil_ids: list[UUID]) -> dict[UUID, list[ListFlag]]:
    """Open findings beside each child in the pupil list, the child's own and their household's,
    in two queries."""
    from django.db.models import Count

    from patterns.access import findings_visible_to
    from patterns.selectors import open_findings
    from pupils.models import HouseholdMember

    if viewer.role not in FINDING_READERS:
        return {}
    findings = open_findings(findings_visible_to(viewer=viewer))
    counts = {
        row["pupil_id"]: row["n"]
        for row in findings.filter(pupil_id__in=pupil_ids)
        .values("pupil_id")
        .annotate(n=Count("id"))
    }
    homes = dict(
        findings.filter(subject_kind="household")
        .values("household_id")
        .annotate(n=Count("id"))
        .values_list("household_id", "n")
    )
    if homes:
        for pupil_id, household_id in HouseholdMember.objects.filter(
            pupil_id__in=pupil_ids, left_on__isnull=True
        ).values_list("pupil_id", "household_id"):
            counts[pupil_id] = counts.get(pupil_id, 0) + homes.get(str(household_id), 0)
    return {
        pupil_id: [ListFlag(f"{n} open finding{'s' if n != 1 else ''}", "red")]
        for pupil_id, n in counts.items()
        if n
    }
