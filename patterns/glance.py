"""Findings in the front sheet's "At a glance" (settings.PUPIL_FRONT_SHEET_GLANCE): the open
findings about the child and about the household the child lives in, each named in words."""

from django.urls import reverse

from patterns.access import FINDING_READERS
from patterns.selectors import findings_for_pupil, household_findings_for_pupil
from pupils.models import Pupil
from pupils.selectors import GlanceItem, GlanceRow
from schools.models import Membership

_COLOUR = {"review_now": "red", "review": "orange", "consider": "grey"}


def front_sheet_glance(*, viewer: Membership, pupil: Pupil) -> list[GlanceRow]:
    if viewer.role not in FINDING_READERS:
        return []
    own = findings_for_pupil(viewer=viewer, pupil_id=pupil.pk)
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
