"""Writes: a multi-agency meeting with the school's report attached.

The report is kept as concerns' attachments are: under PRIVATE_MEDIA_ROOT with a random name,
checked by its first bytes, served only through `access_meeting_report`.
"""

import hashlib
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.bounds import quoted, upload_refusal
from audit.models import AuditAction
from casework.models import Agency, AgencyContact, Meeting, MeetingKind, MeetingReport
from casework.services._common import (
    Imported,
    choice,
    long_date,
    not_before,
    not_future,
    on_roll,
    optional,
    provenance,
    required,
    team_school,
)
from pupils.models import Pupil
from schools.models import Membership

type Upload = UploadedFile[bytes]

# A report is a PDF or Word document: each must start with its signature.
REPORT_KINDS: dict[str, tuple[bytes, str]] = {
    "pdf": (b"%PDF-", "application/pdf"),
    "docx": (
        b"PK\x03\x04",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}
# A meeting lasts at most a day; preparation at most a week of working days (a typing slip).
MAX_MINUTES = 24 * 60
MAX_PREPARATION_MINUTES = 5 * 8 * 60


def report_check(upload: Upload) -> tuple[str, str]:
    """The report's extension and content type if accepted; else a ValidationError naming it."""
    name = upload.name or "The file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in REPORT_KINDS:
        raise ValidationError({"reports": f"{name}: attach a PDF or Word (.docx) document."})
    if not upload.size:
        raise ValidationError({"reports": f"{quoted(name, 100)} is empty."})
    refusal = upload_refusal("attachment", upload.size)
    if refusal:
        raise ValidationError({"reports": f"{quoted(name, 100)}: {refusal}"})
    signature, content_type = REPORT_KINDS[extension]
    upload.seek(0)
    head = upload.read(len(signature))
    upload.seek(0)
    if head != signature:
        raise ValidationError({"reports": f"{name}: the file's contents are not a .{extension}."})
    return extension, content_type


def report_path(report: MeetingReport) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "meeting-reports" / report.stored_name


def _store(*, actor: Membership, meeting: Meeting, upload: Upload, content_type: str) -> None:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "meeting-reports"
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = uuid.uuid4().hex
    digest = hashlib.sha256()
    size = 0
    with (folder / stored_name).open("xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    MeetingReport.objects.create(
        meeting=meeting,
        original_name=Path(upload.name or "report").name[:255],
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        stored_name=stored_name,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )


def _minutes(value: int, field: str, limit: int) -> int:
    if value < 0 or value > limit:
        raise ValidationError({field: f"Enter a number of minutes from 0 to {limit:,}."})
    return value


@transaction.atomic
def meeting_record(
    *,
    actor: Membership,
    pupil: Pupil,
    kind: MeetingKind | str,
    held_on: date,
    decisions: str,
    agencies_present: Sequence[str] = (),
    others_present: str = "",
    actions_for_school: str = "",
    preparation_minutes: int = 0,
    meeting_minutes: int = 0,
    contact: AgencyContact | None = None,
    reports: Sequence[Upload] = (),
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> Meeting:
    """Record a multi-agency meeting about the child, with the school's report.

    Refused: a meeting in the future or when the child was not on the roll; no decisions; an
    agency not in the list; minutes out of range; a contact of another child or school, or a
    meeting before that contact; a report that is not a PDF or Word document. Nothing is kept
    if any part is refused (the files are checked before anything is written).
    """
    school_id = team_school(actor)
    kind = choice(MeetingKind, kind, "kind", "Choose the kind of meeting.")
    not_future(held_on, "held_on", "The date of the meeting")
    on_roll(pupil, school_id, held_on, "held_on")
    agencies = [
        choice(Agency, a, "agencies_present", "Choose agencies from the list.")
        for a in agencies_present
    ]
    decisions = required(decisions, "decisions", "Say what the meeting decided.")
    if contact is not None:
        if contact.school_id != school_id or contact.pupil_id != pupil.pk:
            raise ValidationError({"contact": "Choose one of this child's contacts."})
        not_before(
            held_on,
            contact.contacted_on,
            "held_on",
            "The meeting cannot come before the contact it follows "
            f"({long_date(contact.contacted_on)}).",
        )
    checked = [report_check(upload) for upload in reports]
    meeting = Meeting.objects.create(
        school_id=school_id,
        pupil=pupil,
        kind=kind,
        held_on=held_on,
        agencies_present=[str(a) for a in dict.fromkeys(agencies)],
        others_present=optional(others_present, "others_present", limit=400),
        decisions=decisions,
        actions_for_school=optional(actions_for_school, "actions_for_school"),
        preparation_minutes=_minutes(
            preparation_minutes, "preparation_minutes", MAX_PREPARATION_MINUTES
        ),
        meeting_minutes=_minutes(meeting_minutes, "meeting_minutes", MAX_MINUTES),
        contact=contact,
        recorded_by=actor,
        **provenance(imported),
    )
    for upload, (_extension, content_type) in zip(reports, checked, strict=True):
        _store(actor=actor, meeting=meeting, upload=upload, content_type=content_type)
    audit.record(
        actor=actor,
        action=AuditAction.MEETING_RECORDED,
        target=meeting,
        pupil_id=pupil.pk,
        request=request,
        details={
            "kind": str(kind),
            "held_on": held_on.isoformat(),
            "minutes": meeting.minutes_spent,
            "reports": len(reports),
        },
    )
    return meeting
