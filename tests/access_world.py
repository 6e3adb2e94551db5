"""The world the URL access table runs in, seeded once per test module, with markers.

Every child-level field a page or an export could show holds a marker: a made-up word found
nowhere else (names, the concern's facts and the child's words, addresses, the adults in the
child's life, attachment names and file bodies, decision text, actions, notes, voice entries,
factors, findings, behaviour and police notifications). `tests/test_url_access.py` then asserts,
for every URL and persona, that someone who must not see the child never receives a marker in
any response body or download, whatever the status.

Markers come in two tiers (records-and-access.md, "who may see what"):

- IDENTITY: the child's name and UPN. Any member of staff may find a child on the roll to record
  a concern for, and the attendance lead reads the registers, so these are shown more widely.
- RECORD: everything else about the child. Shown to the safeguarding team, the headteacher, the
  trust lead with a reason where the trust allows it, and to the member of staff who recorded a
  concern, for that concern (the teacher's own concern, action and attachment).

All the people and children are invented.
"""

import datetime
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.middleware import SESSION_LAST_SEEN, SESSION_TWO_FACTOR_OK
from pupils.models import Pupil
from schools.middleware import SESSION_MEMBERSHIP
from schools.models import Membership, Role, School, Trust

PREFIX = "qzmk"


def marker(tag: str) -> str:
    """A word that appears in no template, no fixture and no other marker (tags are distinct
    and none is a prefix of another once the closing letters are added)."""
    return f"{PREFIX}{tag}xq"


@dataclass
class Markers:
    identity: dict[str, str] = field(default_factory=dict)
    record: dict[str, str] = field(default_factory=dict)
    # Markers of the concern the teacher recorded (its facts, words, attachment, action):
    # the teacher may read these, other staff may not.
    recorders_own: dict[str, str] = field(default_factory=dict)

    def add(self, tier: str, tag: str) -> str:
        value = marker(tag)
        getattr(self, tier)[tag] = value
        return value


@dataclass
class AccessWorld:
    """Everything the access table needs to build URLs, sign people in and look for markers."""

    trust: Trust
    school: School
    pupil: Pupil
    sibling: Pupil
    memberships: dict[str, Membership]
    sessions: dict[str, str]
    markers: Markers
    media_root: Path
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def child_object_ids(self) -> set[Any]:
        """The ids of the world's children and of every record about them."""
        children = {self.pupil.pk, self.sibling.pk}
        return children | {obj.pk for obj in self.objects.values() if hasattr(obj, "pk")}

    def __getattr__(self, name: str) -> Any:
        # Rows of the app tables read w.<object> (w.concern, w.household …) and w.<persona>.
        objects = self.__dict__.get("objects", {})
        if name in objects:
            return objects[name]
        memberships = self.__dict__.get("memberships", {})
        if name in memberships:
            return memberships[name]
        raise AttributeError(name)


def _member(school: School | None, role: Role, email: str, trust: Trust | None = None):
    from schools.tests.factories import MembershipFactory

    return MembershipFactory(
        school=school, trust=trust, role=role, user__email=email, user__full_name=email
    )


def _session_key(membership: Membership) -> str:
    """Sign `membership` in once; tests reuse the session cookie."""
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_TWO_FACTOR_OK] = True
    session[SESSION_MEMBERSHIP] = str(membership.pk)
    session[SESSION_LAST_SEEN] = time.time()
    session.save()
    return session.session_key or ""


def build(media_root: Path) -> AccessWorld:
    from concerns import services as concerns
    from concerns.models import BodyRegion, BodySide, ChildPresent, Outcome, Part
    from factors import services as factors
    from factors.models import FactorSource
    from patterns.tests.factories import FindingFactory
    from pupils.models import (
        Address,
        Household,
        HouseholdMember,
        HouseholdSuggestion,
        Person,
        PupilAddress,
        Relationship,
    )
    from pupils.tests.factories import EnrolmentFactory, ImportBatchFactory, PupilFactory
    from pupils.upn import upn_make
    from schools.tests.factories import SchoolFactory, TrustFactory
    from voice import services as voice
    from voice.models import SupportLevel

    m = Markers()
    trust = TrustFactory(name="Oakfield Learning Trust", trust_lead_child_access=False)
    school = SchoolFactory(trust=trust, name="Oakfield Primary")
    elsewhere = SchoolFactory(name="Elsewhere Academy")
    people = {
        "teacher": _member(school, Role.STAFF, "teacher@oakfield.example"),
        "other_teacher": _member(school, Role.STAFF, "teacher2@oakfield.example"),
        "dsl": _member(school, Role.DSL, "dsl@oakfield.example"),
        "deputy_dsl": _member(school, Role.DEPUTY_DSL, "deputy@oakfield.example"),
        "headteacher": _member(school, Role.HEADTEACHER, "head@oakfield.example"),
        "governor": _member(school, Role.GOVERNOR, "governor@oakfield.example"),
        "school_admin": _member(school, Role.SCHOOL_ADMIN, "admin@oakfield.example"),
        "attendance_lead": _member(school, Role.ATTENDANCE_LEAD, "attendance@oakfield.example"),
        "trust_lead": _member(None, Role.TRUST_LEAD, "lead@oakfield.example", trust=trust),
        "other_school_dsl": _member(elsewhere, Role.DSL, "dsl@elsewhere.example"),
    }
    dsl = people["dsl"]
    teacher = people["teacher"]

    # The child and a brother, with their names, UPNs, address and the adults in their lives.
    pupil: Pupil = PupilFactory(  # type: ignore[assignment]
        upn=upn_make(la_code="980", establishment_number="7777", year=16, serial=777),
        legal_forename=m.add("identity", "forename"),
        legal_surname=m.add("identity", "surname"),
        preferred_forename=m.add("identity", "preferred"),
        middle_names=m.add("identity", "middle"),
    )
    m.identity["upn"] = pupil.upn
    sibling: Pupil = PupilFactory(  # type: ignore[assignment]
        upn=upn_make(la_code="980", establishment_number="7777", year=16, serial=778),
        legal_forename=m.add("identity", "sibforename"),
        legal_surname=m.add("identity", "sibsurname"),
    )
    m.identity["sibupn"] = sibling.upn
    for child in (pupil, sibling):
        EnrolmentFactory(pupil=child, school=school, start_date=datetime.date(2022, 9, 5))
    # A third child, a possible relation of the first (a pending household suggestion).
    cousin: Pupil = PupilFactory(  # type: ignore[assignment]
        legal_forename=m.add("identity", "cousin"), legal_surname="Example"
    )
    EnrolmentFactory(pupil=cousin, school=school, start_date=datetime.date(2022, 9, 5))
    # A child with nothing recorded, whom the trust lead has a reason to look at (not a marker).
    stranger: Pupil = PupilFactory(  # type: ignore[assignment]
        legal_forename="Noah", legal_surname="Otherchild"
    )
    EnrolmentFactory(pupil=stranger, school=school, start_date=datetime.date(2022, 9, 5))

    address = Address.objects.create(
        paon=m.add("record", "house"),
        street=m.add("record", "street"),
        town=m.add("record", "town"),
        lines=[m.add("record", "addressline")],
        postcode="ZZ99 9QX",
        match_key=m.add("record", "matchkey"),
    )
    for child in (pupil, sibling):
        PupilAddress.objects.create(
            pupil=child, address=address, from_date=datetime.date(2022, 9, 1), source="manual"
        )
    parent = Person.objects.create(
        forename=m.add("record", "parentforename"),
        surname=m.add("record", "parentsurname"),
        organisation=m.add("record", "parentorg"),
        email=f"{marker('parentemail')}@example.com",
        phones=[{"type": "M", "number": "07700 900123"}],
        source="manual",
    )
    m.record["parentemail"] = marker("parentemail")
    for child in (pupil, sibling):
        Relationship.objects.create(
            pupil=child,
            person=parent,
            kind="parent_pr",
            parental_responsibility=True,
            lives_with_pupil=True,
            contact_priority=1,
            source="manual",
        )
    household = Household.objects.create(trust=trust, name=m.add("record", "household"))
    for child in (pupil, sibling):
        HouseholdMember.objects.create(
            household=household, pupil=child, joined_on=datetime.date(2024, 1, 8)
        )
    suggestion = HouseholdSuggestion.objects.create(
        pupil_a=pupil, pupil_b=cousin, reason="shared_address", evidence=m.add("record", "evidence")
    )
    batch = ImportBatchFactory(school=school)

    # The teacher's concern about the child, with a body map mark and an attachment.
    concerns.categories_ensure(school=school)
    concerns.categories_ensure(school=elsewhere)
    category = school.concern_categories.get(code="neglect")
    concern = concerns.concern_record(
        actor=teacher,
        data=concerns.ConcernInput(
            children=[
                concerns.ChildPart(pupil=pupil, part=Part.SUBJECT),
                concerns.ChildPart(pupil=sibling, part=Part.INVOLVED),
            ],
            occurred_at=timezone.now() - datetime.timedelta(days=2),
            facts=f"Came in without a coat. {m.add('recorders_own', 'facts')}",
            child_words=m.add("recorders_own", "childwords"),
            location=m.add("recorders_own", "location"),
            categories=[category],
            marks=[
                concerns.MarkInput(
                    side=BodySide.FRONT,
                    region=BodyRegion.values[0],
                    description=m.add("recorders_own", "bodymark"),
                )
            ],
            attachments=[
                SimpleUploadedFile(
                    f"{m.add('recorders_own', 'attachname')}.txt",
                    f"A note from the child. {m.add('recorders_own', 'attachbody')}".encode(),
                )
            ],
        ),
    )
    attachment = concern.attachments.get()
    action = concerns.action_assign(
        actor=dsl,
        concern=concern,
        assignee=teacher,
        description=m.add("recorders_own", "action"),
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    # The safeguarding team's work on it: a note, a decision, the referral's outcome. A note is
    # read by whoever may read the concern (concerns/access.py); decisions are not.
    concerns.concern_add_note(actor=dsl, concern=concern, text=m.add("recorders_own", "note"))
    decision = concerns.decision_record(
        actor=dsl,
        concern=concern,
        data=concerns.DecisionInput(
            outcome=Outcome.SOCIAL_CARE,
            rationale=m.add("record", "rationale"),
            agency=m.add("record", "agency"),
            referral_reference=m.add("record", "referralref"),
            referral_date=timezone.localdate(),
        ),
    )
    concerns.referral_outcome_record(
        actor=dsl,
        decision=decision,
        received_on=timezone.localdate(),
        outcome=m.add("record", "referraloutcome"),
        school_agrees=False,
        next_steps=m.add("record", "nextsteps"),
    )
    concerns.behaviour_record(
        actor=dsl,
        pupil=pupil,
        occurred_at=timezone.now() - datetime.timedelta(days=3),
        incident_type=m.add("record", "incidenttype"),
        description=m.add("record", "incident"),
        action_taken=m.add("record", "incidentaction"),
    )
    concerns.encompass_record(
        actor=dsl,
        data=concerns.EncompassInput(
            pupils=[pupil],
            police_reference=m.add("record", "policeref"),
            occurred_at=timezone.now() - datetime.timedelta(days=4),
            received_at=timezone.now() - datetime.timedelta(days=4),
            child_present=ChildPresent.values[0],
            welfare_check_on=timezone.localdate(),
            voice_of_child=m.add("record", "encompassvoice"),
            details=m.add("record", "encompassdetails"),
        ),
    )

    # The child's voice: an entry with an attached drawing, support status and check-ins.
    entry = voice.voice_entry_record(
        actor=dsl,
        pupil=pupil,
        content=voice.VoiceContent(
            occurred_at=timezone.now() - datetime.timedelta(days=1),
            words=m.add("record", "voicewords"),
            asked_by="The DSL",
            place=m.add("record", "voiceplace"),
            worries=m.add("record", "voiceworries"),
            wishes=m.add("record", "voicewishes"),
            reflection=m.add("record", "voicereflection"),
        ),
        attachment=SimpleUploadedFile(
            f"{m.add('record', 'voicefilename')}.pdf",
            f"%PDF-1.4\n% {m.add('record', 'voicefilebody')}\n%%EOF\n".encode(),
        ),
        attachment_description=m.add("record", "voicefiledesc"),
    )
    voice_attachment = entry.attachments.get()
    voice.support_status_record(
        actor=dsl,
        pupil=pupil,
        level=SupportLevel.CIN,
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
        reason=m.add("record", "supportreason"),
    )
    voice.check_in_schedule_set(
        actor=dsl,
        pupil=pupil,
        trusted_adult=None,
        cadence_days=14,
        reason=m.add("record", "checkinreason"),
    )

    factor = factors.factor_record(
        actor=dsl,
        pupil=pupil,
        code="3B",
        source=FactorSource.ASSESSMENT,
        known_from=datetime.date(2026, 1, 5),
        note=m.add("record", "factornote"),
    )
    finding = FindingFactory(school=school, pupil=pupil, detail=m.add("record", "finding"))
    casework = _casework(pupil=pupil, dsl=dsl)
    transfers = _transfers(school=school, pupil=pupil, dsl=dsl, m=m)
    staff_learning = _staff_and_learning(people=people, pupil=pupil, m=m)

    return AccessWorld(
        trust=trust,
        school=school,
        pupil=pupil,
        sibling=sibling,
        memberships=people,
        sessions={name: _session_key(membership) for name, membership in people.items()},
        markers=m,
        media_root=media_root,
        objects={
            "concern": concern,
            "attachment": attachment,
            "action": action,
            "decision": decision,
            "category": category,
            "household": household,
            "suggestion": suggestion,
            "batch": batch,
            "entry": entry,
            "voice_attachment": voice_attachment,
            "factor": factor,
            "finding": finding,
            "cousin": cousin,
            "stranger": stranger,
            **casework,
            **transfers,
            **staff_learning,
        },
    )


def _casework(*, pupil: Pupil, dsl: Membership) -> dict[str, Any]:
    """The child's casework records that casework's URLs open (casework/tests/url_access.py)."""
    from casework.tests.factories import (
        AgencyContactFactory,
        AgencyResponseFactory,
        AgreedAbsenceFactory,
        EscalationStageFactory,
        HouseholdChildFactory,
        MeetingReportFactory,
        PlanFactory,
    )

    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    return {
        "casework_contact": contact,
        "casework_response": AgencyResponseFactory(
            contact=AgencyContactFactory(pupil=pupil, recorded_by=dsl)
        ),
        "casework_plan": PlanFactory(pupil=pupil, recorded_by=dsl),
        "casework_report": MeetingReportFactory(meeting__pupil=pupil, meeting__recorded_by=dsl),
        "casework_stage": EscalationStageFactory(
            escalation__response__contact__pupil=pupil,
            escalation__response__contact__recorded_by=dsl,
        ),
        "casework_absence": AgreedAbsenceFactory(pupil=pupil, recorded_by=dsl),
        "casework_household_child": HouseholdChildFactory(pupil=pupil, recorded_by=dsl),
    }


def _transfers(*, school: School, pupil: Pupil, dsl: Membership, m: Markers) -> dict[str, Any]:
    """The child's file transfers that transfer's URLs open (transfer/tests/url_access.py): one
    being sent, one sent here directly by another school of the trust, one received."""
    from schools.tests.factories import MembershipFactory, SchoolFactory
    from transfer import storage
    from transfer.models import (
        MatchedBy,
        ReceivedTransfer,
        Status,
        Transfer,
        TransferredAttachment,
        TransferredRecord,
    )

    now = timezone.now()
    left_on = datetime.date(2026, 3, 2)

    def transfer(**fields: Any) -> Transfer:
        fields = {
            "to_school_name": "Hilltop Primary",
            "started_by": dsl,
            **fields,
        }
        return Transfer.objects.create(
            pupil=pupil,
            left_on=left_on,
            due_on=datetime.date(2026, 3, 9),
            started_at=now,
            **fields,
        )

    sister = SchoolFactory(trust=school.trust, name="Riverside Primary")
    received = ReceivedTransfer.objects.create(
        school=school,
        pupil=pupil,
        from_school_name="Hilltop Primary",
        sender_transfer_id="world-transfer",
        bundle_sha256="0" * 64,
        upn_in_file=pupil.upn,
        matched_by=MatchedBy.UPN,
        records=1,
        attachments=1,
        imported_by=dsl,
        imported_at=now,
        receipt={"format": "cairn-cp-file-receipt", "signature": "0" * 64},
    )
    record = TransferredRecord.objects.create(
        received=received,
        school=school,
        pupil=pupil,
        original_id="concern:1",
        kind="concern",
        kind_label="Concern",
        occurred_at=now - datetime.timedelta(days=400),
        recorded_at=now - datetime.timedelta(days=400),
        title=m.add("record", "transferredtitle"),
        summary=m.add("record", "transferredsummary"),
        author="A teacher at Hilltop Primary",
    )
    body = m.add("record", "transferredfile").encode()
    attachment = TransferredAttachment.objects.create(
        received=received,
        record=record,
        original_name="letter.txt",
        content_type="text/plain",
        size=len(body),
        sha256="0" * 64,
        stored_name=storage.store(storage.RECEIVED, body),
    )
    return {
        "transfer_started": transfer(school=school),
        "transfer_incoming": transfer(
            school=sister,
            to_school=school,
            to_school_name=school.name,
            to_school_urn=school.urn,
            status=Status.SENT,
            bundle_stored_as="missing",
            bundle_sha256="0" * 64,
            sent_at=now,
            method="direct",
            started_by=MembershipFactory(school=sister, role=Role.DSL),
        ),
        "transfer_received": received,
        "transfer_attachment": attachment,
    }


def _staff_and_learning(
    *, people: dict[str, Membership], pupil: Pupil, m: Markers
) -> dict[str, Any]:
    """Issue 20's records (staffing/tests/url_access.py, learning/tests/url_access.py): the
    teacher's training with a certificate, a low-level concern about the teacher (the adult
    concerned never sees it), a supervision session that discussed the child, and an ended plan
    to say what went well about."""
    from types import SimpleNamespace

    from learning.tests.url_access import build_ended_plan, build_session
    from staffing.tests.url_access import build_adult, build_training

    w = SimpleNamespace(pupil=pupil, **people)
    return {
        "training_record": build_training(w),
        "low_level_adult": build_adult(w),
        "supervision": build_session(w, m.add("record", "supervisionreflection")),
        "ended_plan": build_ended_plan(w),
    }
