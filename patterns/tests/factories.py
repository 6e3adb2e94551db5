import datetime

import factory

from patterns.models import (
    Finding,
    FindingDecision,
    FindingOutcome,
    FindingSeverity,
    FindingSubject,
)

_WHEN = datetime.datetime(2025, 2, 3, 18, 0, tzinfo=datetime.UTC)


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    school = factory.SubFactory("schools.tests.factories.SchoolFactory")
    subject_kind = FindingSubject.PUPIL
    pupil = factory.SubFactory("pupils.tests.factories.PupilFactory")
    detector = "cumulative-neglect"
    detector_version = 1
    severity = FindingSeverity.CONSIDER
    detail = "3 concerns showing signs of neglect (clothing, hunger, hygiene), from 2 adults."
    evidence = factory.LazyFunction(
        lambda: [
            {"kind": "concern", "id": "c1", "date": "2025-01-13"},
            {"kind": "concern", "id": "c2", "date": "2025-01-22"},
            {"kind": "concern", "id": "c3", "date": "2025-02-03"},
        ]
    )
    inputs_hash = factory.Sequence(lambda n: f"{n:064x}")
    as_of = datetime.date(2025, 2, 3)
    first_raised_at = _WHEN
    last_seen_at = _WHEN


class FindingDecisionFactory(factory.django.DjangoModelFactory):
    """A DSL's "not a concern now", with its reason, by the finding's school's DSL."""

    class Meta:
        model = FindingDecision

    finding = factory.SubFactory(FindingFactory)
    outcome = FindingOutcome.NOT_A_CONCERN_NOW
    rationale = "Talked with the family; the coat was lost on a trip."
    decided_by = factory.SubFactory(
        "schools.tests.factories.MembershipFactory",
        school=factory.SelfAttribute("..finding.school"),
        role="dsl",
    )
    decided_at = _WHEN + datetime.timedelta(days=1)


def finding_for(world) -> Finding:
    """The world's child's finding at the world's school (made once per test)."""
    existing = Finding.objects.filter(school=world.school, pupil=world.pupil).first()
    return existing or FindingFactory(school=world.school, pupil=world.pupil)
