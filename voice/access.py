"""Who may record and read a child's voice. Absent and forbidden get the same answer: 404.

The rules (issue 7; `records-and-access.md` §6 "access limited to those who need to know" [P]):
- the safeguarding team (DSL, deputy) and the headteacher read every entry at their school;
- a child's trusted adult (the staff member named on the child's current check-in schedule)
  records and reads that child's entries;
- any other member of staff (the attendance lead too: `schools.models.OWN_RECORD_ROLES`) may
  record an entry for a child on the roll (a child chooses whom to talk to) and reads only the
  entries they recorded;
- governors, school administrators and trust leads never read a child's voice here;
- nobody reads another school's entries.
"""

from uuid import UUID

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from pupils.access import child_level, pupils_on_roll_for
from pupils.models import Pupil
from schools.models import DSL_TEAM_ROLES, OWN_RECORD_ROLES, Membership, Role
from voice.models import CheckInSchedule, VoiceAttachment, VoiceEntry

SCHOOL_WIDE_VOICE_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})
VOICE_RECORDERS = SCHOOL_WIDE_VOICE_READERS | OWN_RECORD_ROLES


def _itself(pupil: Pupil) -> list[UUID]:
    return [pupil.pk]


def _its_child(item: VoiceEntry | VoiceAttachment) -> list[UUID]:
    entry = item.entry if isinstance(item, VoiceAttachment) else item
    return [entry.pupil_id]


def current_schedules() -> QuerySet[CheckInSchedule]:
    """Each child's schedule in force at each school: the newest row for that child there."""
    newest = (
        CheckInSchedule.objects.filter(school=OuterRef("school"), pupil=OuterRef("pupil"))
        .order_by("-set_at")
        .values("pk")[:1]
    )
    return CheckInSchedule.objects.filter(pk=Subquery(newest))


def pupil_ids_assigned_to(*, viewer: Membership) -> QuerySet[CheckInSchedule, UUID]:
    """The children whose current trusted adult is `viewer` (as a subquery of pupil ids)."""
    return current_schedules().filter(trusted_adult=viewer).values_list("pupil_id", flat=True)


def voice_entries_visible_to(*, viewer: Membership) -> QuerySet[VoiceEntry]:
    """Every voice entry `viewer` may read."""
    if viewer.school_id is None:
        return VoiceEntry.objects.none()
    at_school = VoiceEntry.objects.filter(school_id=viewer.school_id)
    if viewer.role in SCHOOL_WIDE_VOICE_READERS:
        return at_school
    if viewer.role in OWN_RECORD_ROLES:
        return at_school.filter(
            Q(recorded_by=viewer) | Q(pupil_id__in=pupil_ids_assigned_to(viewer=viewer))
        )
    return VoiceEntry.objects.none()


@child_level(_its_child)
def access_voice_entry(*, viewer: Membership, entry_id: UUID) -> VoiceEntry:
    """The entry, if `viewer` may read it; otherwise Http404."""
    entry = (
        voice_entries_visible_to(viewer=viewer)
        .select_related("pupil", "recorded_by__user")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404("No such entry")
    return entry


def may_amend(*, viewer: Membership, entry: VoiceEntry) -> bool:
    """The adult who recorded an entry, or the safeguarding team, may amend it."""
    if viewer.role in DSL_TEAM_ROLES:
        return viewer.school_id == entry.school_id
    return entry.recorded_by_id == viewer.pk


@child_level(_its_child)
def access_voice_entry_to_amend(*, viewer: Membership, entry_id: UUID) -> VoiceEntry:
    entry = access_voice_entry(viewer=viewer, entry_id=entry_id)
    if not may_amend(viewer=viewer, entry=entry):
        raise Http404("No such entry")
    return entry


@child_level(_its_child)
def access_voice_attachment(*, viewer: Membership, attachment_id: UUID) -> VoiceAttachment:
    """The attachment, if `viewer` may read the entry it belongs to; otherwise Http404."""
    attachment = (
        VoiceAttachment.objects.select_related("entry")
        .filter(entry__in=voice_entries_visible_to(viewer=viewer), pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404("No such attachment")
    return attachment


@child_level(_itself)
def access_pupil_to_record(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """A child on the roll of the viewer's school, for whom `viewer` may record an entry."""
    if viewer.role not in VOICE_RECORDERS:
        raise Http404("No such child")
    pupil = pupils_on_roll_for(viewer=viewer).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such child")
    return pupil


@child_level(_itself)
def access_pupil_voice(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """The child, if `viewer` may open the child's voice page (which shows only the entries
    `voice_entries_visible_to` allows)."""
    if viewer.role in SCHOOL_WIDE_VOICE_READERS and viewer.school is not None:
        pupil = Pupil.objects.filter(pk=pupil_id, enrolments__school=viewer.school).first()
    elif viewer.role in OWN_RECORD_ROLES:
        pupil = (
            Pupil.objects.filter(pk=pupil_id)
            .filter(
                Q(pk__in=pupils_on_roll_for(viewer=viewer).values("pk"))
                | Q(pk__in=voice_entries_visible_to(viewer=viewer).values("pupil_id"))
            )
            .first()
        )
    else:
        pupil = None
    if pupil is None:
        raise Http404("No such child")
    return pupil


@child_level(_itself)
def access_pupil_to_plan(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """A child on the roll, for the safeguarding team to set a status and check-ins."""
    if viewer.role not in DSL_TEAM_ROLES:
        raise Http404("No such child")
    pupil = pupils_on_roll_for(viewer=viewer).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such child")
    return pupil
