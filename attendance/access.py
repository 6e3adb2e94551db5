"""Who may open a child's attendance and a school's code equivalents. Absent and forbidden get
the same answer: 404.

- Whoever may open the child's whole record (`pupils.access.access_pupil`) may open the child's
  attendance: the DSL team and the headteacher at the child's school; a trust lead where the trust
  allows it, having said why.
- The attendance lead opens the attendance of children on their own school's roll (current or
  former) and nothing else of the child's record: no front sheet, chronology or findings.
- A school's code equivalents are managed by the people who import its registers, at that school
  only.
"""

from uuid import UUID

from django.http import Http404

from attendance.models import CodeMapping, CodeMappingQuerySet
from pupils.access import access_pupil, child_level
from pupils.models import Pupil
from schools.models import Membership, Role
from schools.reasons import not_child_level

# Roles that read registers without reading the rest of a child's record.
ATTENDANCE_ONLY_READERS = frozenset({Role.ATTENDANCE_LEAD})
# Roles that import registers and correct how the school's MIS codes are read.
CODE_MAPPERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.SCHOOL_ADMIN, Role.ATTENDANCE_LEAD})
# Roles shown which children off roll have a safeguarding record open (the cohort page's last
# list): those who read whole records at their school. Others see the attendance lists only.
_OPEN_RECORD_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})


def _itself(pupil: Pupil) -> list[UUID]:
    return [pupil.pk]


@child_level(_itself)
def access_pupil_attendance(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """The child, if `viewer` may read this child's attendance; otherwise Http404.

    A trust lead must also have said why (schools.reasons), as for the whole record.
    """
    if viewer.role not in ATTENDANCE_ONLY_READERS:
        return access_pupil(viewer=viewer, pupil_id=pupil_id)
    if viewer.school_id is None:
        raise Http404("No such child")
    pupil = Pupil.objects.filter(pk=pupil_id, enrolments__school_id=viewer.school_id).first()
    if pupil is None:
        raise Http404("No such child")
    return pupil


def sees_open_records(*, viewer: Membership) -> bool:
    """Whether the cohort page may say which children have a safeguarding record open."""
    return viewer.role in _OPEN_RECORD_READERS


def code_mappings_managed_by(*, viewer: Membership) -> CodeMappingQuerySet:
    """Every code equivalent, in force or withdrawn, that `viewer` manages (their school's)."""
    if viewer.role not in CODE_MAPPERS:
        return CodeMapping.objects.none()
    if viewer.school_id is None:
        return CodeMapping.objects.none()
    return CodeMapping.objects.filter(school_id=viewer.school_id)


@not_child_level("A school's table of register codes: no child is named in it")
def access_code_mapping_to_withdraw(*, viewer: Membership, mapping_id: UUID) -> CodeMapping:
    """An equivalent in force at the viewer's school, for them to withdraw; otherwise Http404."""
    mapping = (
        code_mappings_managed_by(viewer=viewer)
        .filter(pk=mapping_id, withdrawn_at__isnull=True)
        .first()
    )
    if mapping is None:
        raise Http404("No such code equivalent")
    return mapping
