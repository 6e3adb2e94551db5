"""Concerns for tests, made through the services so that audit and versions are real."""

from datetime import datetime, timedelta

from django.utils import timezone

from concerns import services
from concerns.models import Concern, Decision, Outcome, Part
from pupils.models import Pupil
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from schools.models import Membership, Role, School
from schools.tests.factories import MembershipFactory


def enrolled_pupil(*, school: School, **fields: object) -> Pupil:
    """A child on the roll of `school`."""
    child = PupilFactory(**fields)
    EnrolmentFactory(pupil=child, school=school)
    return child


def elsewhere_pupil(**fields: object) -> Pupil:
    """A child on the roll of some other school."""
    child = PupilFactory(**fields)
    EnrolmentFactory(pupil=child)
    return child


def staff_member(*, school: School, role: Role = Role.STAFF) -> Membership:
    return MembershipFactory(school=school, role=role)


def make_concern(
    *,
    author: Membership,
    pupil: Pupil,
    facts: str = "Came in without a coat again; said she was hungry.",
    child_words: str = "Mum didn't do breakfast.",
    others: list[tuple[Pupil, Part]] | None = None,
    occurred_at: datetime | None = None,
    urgent: bool = False,
    category_codes: tuple[str, ...] = ("neglect",),
) -> Concern:
    assert author.school is not None
    services.categories_ensure(school=author.school)
    categories = list(author.school.concern_categories.filter(code__in=category_codes))
    children = [services.ChildPart(pupil=pupil, part=Part.SUBJECT)]
    children += [services.ChildPart(pupil=p, part=part) for p, part in others or []]
    return services.concern_record(
        actor=author,
        data=services.ConcernInput(
            children=children,
            occurred_at=occurred_at or timezone.now() - timedelta(hours=1),
            facts=facts,
            child_words=child_words,
            location="Classroom 3",
            categories=categories,
            urgent_told_dsl=urgent,
            told_dsl_name="The DSL" if urgent else "",
        ),
    )


def make_decision(
    *, dsl: Membership, concern: Concern, outcome: Outcome = Outcome.SOCIAL_CARE
) -> Decision:
    return services.decision_record(
        actor=dsl,
        concern=concern,
        data=services.DecisionInput(
            outcome=outcome,
            rationale="Pattern of neglect over several weeks; threshold met.",
            review_date=timezone.localdate() + timedelta(days=14),
            referral_reference="MASH-123",
            referral_date=timezone.localdate(),
            outcome_expected_by=timezone.localdate() + timedelta(days=3),
            agency="School nursing",
            adult_name="A. Adult",
            adult_role="Lunchtime supervisor",
        ),
    )
