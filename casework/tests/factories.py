"""Casework records for tests. Give `recorded_by` a DSL membership at the child's school; dates
default to autumn 2025, when the conftest `pupil` (enrolled September 2022) is on the roll."""

import datetime

import factory
from django.utils import timezone

from casework.models import (
    Agency,
    AgencyContact,
    AgencyResponse,
    AgreedAbsence,
    ContactPurpose,
    DayNote,
    Escalation,
    EscalationStage,
    HouseholdChild,
    Meeting,
    MeetingKind,
    MeetingReport,
    NoteTone,
    Plan,
    PlanKind,
    ResponseKind,
    SettingKind,
)

_DSL = "schools.tests.factories.MembershipFactory"


class AgencyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyContact

    pupil = factory.SubFactory("pupils.tests.factories.PupilFactory")
    recorded_by = factory.SubFactory(_DSL, role="dsl")
    school = factory.SelfAttribute("recorded_by.school")
    agency = Agency.SOCIAL_CARE
    purpose = ContactPurpose.REFERRAL
    contacted_on = datetime.date(2025, 10, 6)
    summary = "Referral: bruising to the upper arm, explained as a fall."
    recorded_at = factory.LazyFunction(timezone.now)


class AgencyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyResponse

    contact = factory.SubFactory(AgencyContactFactory)
    kind = ResponseKind.NO_FURTHER_ACTION
    received_on = datetime.date(2025, 10, 8)
    school_agrees = False
    agreement_reason = "Third injury this term; the explanation does not fit."
    recorded_by = factory.SelfAttribute("contact.recorded_by")
    recorded_at = factory.LazyFunction(timezone.now)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    pupil = factory.SubFactory("pupils.tests.factories.PupilFactory")
    recorded_by = factory.SubFactory(_DSL, role="dsl")
    school = factory.SelfAttribute("recorded_by.school")
    kind = PlanKind.CHILD_IN_NEED
    started_on = datetime.date(2025, 11, 3)
    recorded_at = factory.LazyFunction(timezone.now)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    pupil = factory.SubFactory("pupils.tests.factories.PupilFactory")
    recorded_by = factory.SubFactory(_DSL, role="dsl")
    school = factory.SelfAttribute("recorded_by.school")
    kind = MeetingKind.STRATEGY
    held_on = datetime.date(2025, 10, 10)
    agencies_present = factory.LazyFunction(lambda: ["social_care", "police"])
    decisions = "Section 47 enquiry to start."
    preparation_minutes = 30
    meeting_minutes = 60
    recorded_at = factory.LazyFunction(timezone.now)


class MeetingReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingReport

    meeting = factory.SubFactory(MeetingFactory)
    original_name = "school-report.pdf"
    content_type = "application/pdf"
    size = 10
    sha256 = "0" * 64
    stored_name = factory.Sequence(lambda n: f"report{n:08d}")
    uploaded_by = factory.SelfAttribute("meeting.recorded_by")
    uploaded_at = factory.LazyFunction(timezone.now)


class EscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Escalation

    response = factory.SubFactory(AgencyResponseFactory)
    pupil = factory.SelfAttribute("response.contact.pupil")
    school = factory.SelfAttribute("response.contact.school")
    reason = "We think the threshold is met."
    opened_on = datetime.date(2025, 10, 9)
    opened_by = factory.SelfAttribute("response.recorded_by")
    opened_at = factory.LazyFunction(timezone.now)


class EscalationStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EscalationStage

    escalation = factory.SubFactory(EscalationFactory)
    position = 1
    name = "Practitioner to practitioner"
    started_on = datetime.date(2025, 10, 9)
    due_on = datetime.date(2025, 10, 14)
    recorded_by = factory.SelfAttribute("escalation.opened_by")
    recorded_at = factory.LazyFunction(timezone.now)


class AgreedAbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreedAbsence

    pupil = factory.SubFactory("pupils.tests.factories.PupilFactory")
    recorded_by = factory.SubFactory(_DSL, role="dsl")
    school = factory.SelfAttribute("recorded_by.school")
    starts_on = datetime.date(2025, 11, 10)
    expected_back_on = datetime.date(2025, 11, 24)
    reason = "Family funeral abroad."
    recorded_at = factory.LazyFunction(timezone.now)


class HouseholdChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdChild

    pupil = factory.SubFactory("pupils.tests.factories.PupilFactory")
    recorded_by = factory.SubFactory(_DSL, role="dsl")
    school = factory.SelfAttribute("recorded_by.school")
    name = "Baby Testchild"
    date_of_birth = datetime.date(2025, 6, 1)
    setting_kind = SettingKind.NONE
    recorded_at = factory.LazyFunction(timezone.now)


class DayNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DayNote

    pupil = factory.SubFactory("pupils.tests.factories.PupilFactory")
    recorded_by = factory.SubFactory(_DSL, role="dsl")
    school = factory.SelfAttribute("recorded_by.school")
    noted_on = datetime.date(2025, 11, 12)
    tone = NoteTone.GOOD
    text = "Happy and settled at lunch."
    recorded_at = factory.LazyFunction(timezone.now)
