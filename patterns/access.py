"""Access to findings. A finding is about a child or household, so it is read like a child's
record: the school's DSL team and headteacher, at that school only. Absent and forbidden get the
same answer: 404."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from patterns.models import Finding
from pupils.access import child_level
from schools.models import Membership, Role

FINDING_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})


def its_children(finding: Finding) -> list[UUID]:
    """The child a finding is about, or the children of the household it is about."""
    from pupils.models import HouseholdMember

    if finding.pupil_id is not None:
        return [finding.pupil_id]
    try:
        household = UUID(finding.household_id)
    except ValueError:
        return []
    return list(
        HouseholdMember.objects.filter(household_id=household).values_list("pupil_id", flat=True)
    )


def findings_visible_to(*, viewer: Membership) -> QuerySet[Finding]:
    """The findings `viewer` may open: their own school's, if their role reads child records."""
    if viewer.role not in FINDING_READERS:
        return Finding.objects.none()
    if viewer.school_id is None:
        return Finding.objects.none()
    return Finding.objects.filter(school_id=viewer.school_id)


@child_level(its_children)
def access_finding(*, viewer: Membership, finding_id: UUID) -> Finding:
    """The finding, if `viewer` may read it; otherwise Http404."""
    finding = (
        findings_visible_to(viewer=viewer).select_related("pupil").filter(pk=finding_id).first()
    )
    if finding is None:
        raise Http404("No such finding")
    return finding
