"""A child with a file at the sending school, made through the services (audit is real)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.services.roll import leaving_record
from casework.tests.factories import AgencyContactFactory, MeetingFactory, PlanFactory
from concerns import services as concern_services
from concerns.models import Part
from concerns.tests.factories import make_decision
from pupils.models import Pupil
from pupils.tests.factories import EnrolmentFactory
from schools.models import Membership, Role, School
from schools.tests.factories import MembershipFactory

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
TXT = b"A note from the child, typed by the DSL.\n"


@dataclass
class Sent:
    pupil: Pupil
    dsl: Membership
    attachments: dict[str, bytes]


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def child_with_file(*, dsl: Membership, pupil: Pupil, concerns: int = 2) -> Sent:
    """Concerns (with attachments and a decision), a plan, a meeting and an agency contact."""
    school = dsl.school
    assert school is not None
    concern_services.categories_ensure(school=school)
    categories = list(school.concern_categories.filter(code="neglect"))
    files: dict[str, bytes] = {}
    for n in range(concerns):
        attachments = [upload(f"drawing-{n}.png", PNG + bytes([n])), upload(f"note-{n}.txt", TXT)]
        files[f"drawing-{n}.png"] = PNG + bytes([n])
        files[f"note-{n}.txt"] = TXT
        concern = concern_services.concern_record(
            actor=dsl,
            data=concern_services.ConcernInput(
                children=[concern_services.ChildPart(pupil=pupil, part=Part.SUBJECT)],
                occurred_at=timezone.now() - timedelta(days=30 - n),
                facts=f"Came to school hungry, concern number {n + 1}.",
                child_words="There was no tea last night.",
                location="Classroom 3",
                categories=categories,
                attachments=attachments,
            ),
        )
        if n == 0:
            make_decision(dsl=dsl, concern=concern)
    PlanFactory(pupil=pupil, recorded_by=dsl)
    MeetingFactory(pupil=pupil, recorded_by=dsl)
    AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    return Sent(pupil=pupil, dsl=dsl, attachments=files)


def receiving_dsl(school: School, pupil: Pupil | None = None) -> Membership:
    """A DSL at `school`, with `pupil` on its roll (the child has arrived)."""
    if pupil is not None:
        EnrolmentFactory(pupil=pupil, school=school, start_date=timezone.localdate())
    return MembershipFactory(school=school, role=Role.DSL)


def leave(*, dsl: Membership, pupil: Pupil, destination: str, left_on: date | None = None):
    return leaving_record(
        actor=dsl,
        pupil=pupil,
        left_on=left_on or timezone.localdate() - timedelta(days=1),
        reason="moved_school",
        destination=destination,
    )
