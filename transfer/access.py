"""Who may open what in transfers. The safeguarding team at a school sends and receives its
children's files; no one else reads them here (a trust lead reads transferred records on the
chronology, through its own gate). Each function that yields a child's file passes the child
through the one gate (`pupils.access.child_read`)."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from pupils.access import child_level, pupils_visible_to
from pupils.models import Pupil
from schools.models import DSL_TEAM_ROLES, Membership, Role
from transfer.models import (
    ReceivedTransfer,
    Status,
    Transfer,
    TransferredAttachment,
    TransferredRecord,
)

TRANSFER_ROLES = frozenset(DSL_TEAM_ROLES)
# Who reads a school's transferred records (on the chronology, and as a finding's evidence).
RECORD_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})


def _team_school(viewer: Membership, what: str) -> UUID:
    """The viewer's school, for its safeguarding team; Http404 (no such `what`) otherwise."""
    if viewer.role not in TRANSFER_ROLES or viewer.school_id is None:
        raise Http404(f"No such {what}")
    return viewer.school_id


def _itself(pupil: Pupil) -> list[UUID]:
    return [pupil.pk]


def _its_child(item: Transfer | ReceivedTransfer) -> list[UUID]:
    return [item.pupil_id]


def _attachment_child(item: TransferredAttachment) -> list[UUID]:
    return [item.received.pupil_id]


def _record_child(item: TransferredRecord) -> list[UUID]:
    return [item.pupil_id]


def transferred_records_visible_to(*, viewer: Membership) -> QuerySet[TransferredRecord]:
    """The transferred records `viewer` may read: their school's, for its safeguarding team and
    headteacher; the trust's schools', for a trust lead the trust lets read children's records
    (the chronology's rule, `transfer.chronology`)."""
    if viewer.role in RECORD_READERS and viewer.school_id is not None:
        return TransferredRecord.objects.filter(school_id=viewer.school_id)
    if (
        viewer.role == Role.TRUST_LEAD
        and viewer.trust is not None
        and viewer.trust.trust_lead_child_access
    ):
        return TransferredRecord.objects.filter(school__trust=viewer.trust)
    return TransferredRecord.objects.none()


@child_level(_record_child)
def access_transferred_record(*, viewer: Membership, record_id: UUID) -> TransferredRecord:
    """A record of a file the viewer's school received, if `viewer` may read transferred records
    and the child's record; otherwise Http404."""
    record = (
        transferred_records_visible_to(viewer=viewer)
        .filter(pk=record_id, pupil__in=pupils_visible_to(viewer=viewer))
        .select_related("received")
        .first()
    )
    if record is None:
        raise Http404("No such record")
    return record


@child_level(_itself)
def access_pupil_to_transfer(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """A child who is or was on the roll of the viewer's school, for its safeguarding team."""
    _team_school(viewer, "child")
    pupil = pupils_visible_to(viewer=viewer).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such child")
    return pupil


@child_level(_its_child)
def access_transfer(*, viewer: Membership, transfer_id: UUID) -> Transfer:
    """A transfer the viewer's school is sending."""
    school_id = _team_school(viewer, "transfer")
    transfer = (
        Transfer.objects.filter(pk=transfer_id, school_id=school_id)
        .select_related("pupil", "school", "to_school")
        .first()
    )
    if transfer is None:
        raise Http404("No such transfer")
    return transfer


@child_level(_its_child)
def access_incoming(*, viewer: Membership, transfer_id: UUID) -> Transfer:
    """A file sent directly to the viewer's school by a school of its trust, waiting to be taken
    in. The child must be on the viewer's school's roll (the gate)."""
    school_id = _team_school(viewer, "transfer")
    transfer = (
        Transfer.objects.filter(pk=transfer_id, to_school_id=school_id, status=Status.SENT)
        .select_related("pupil", "school")
        .first()
    )
    if transfer is None:
        raise Http404("No such transfer")
    return transfer


@child_level(_its_child)
def access_received(*, viewer: Membership, received_id: UUID) -> ReceivedTransfer:
    """A file the viewer's school received."""
    school_id = _team_school(viewer, "file")
    received = (
        ReceivedTransfer.objects.filter(pk=received_id, school_id=school_id)
        .select_related("pupil")
        .first()
    )
    if received is None:
        raise Http404("No such file")
    return received


@child_level(_attachment_child)
def access_transferred_attachment(
    *, viewer: Membership, attachment_id: UUID
) -> TransferredAttachment:
    """A file that came with a received child protection file."""
    school_id = _team_school(viewer, "file")
    attachment = (
        TransferredAttachment.objects.filter(pk=attachment_id, received__school_id=school_id)
        .select_related("received")
        .first()
    )
    if attachment is None:
        raise Http404("No such file")
    return attachment
