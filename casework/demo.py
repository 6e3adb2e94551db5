"""Demo casework for several children at each school, with dates relative to the seeding day.
Synthetic only; written through the services, so each record is audited as if the DSL had
recorded it.

At each school:
- the child with the most neglect concerns: the school's referral to children's social care
  (from the referral decision on a concern, where there is one) answered "no further action";
  the school disagrees and escalates; the first stage is not resolved, the manager stage is
  overdue; a strategy discussion follows and a child protection plan (neglect) starts;
- the next child: a child protection plan years ago (physical abuse, ended), a child in need
  plan now, a core group meeting, a baby at home last seen by the health visitor months ago,
  and the parents missing two health appointments and giving an explanation for a bruise that
  did not fit;
- a third child: an early help plan, a team around the family meeting, good notes about their
  day, and an agreed absence they are not back from when expected;
- a fourth child: the GP asked for information, the answer overdue;
- a child with one open concern leaves the roll for a named school (the file transfer prompt).
"""

from datetime import date, timedelta

from django.db.models import Count

from casework import services
from casework.models import AgencyContact, Leaving, Meeting, Plan
from casework.selectors import open_concern_count
from concerns.models import ConcernPupil, Part
from pupils.models import Enrolment, Pupil
from schools.demo import DemoWorld
from schools.models import Membership, Role, School


def _dsl_of(world: DemoWorld, school: School) -> Membership | None:
    return next(
        (m for m in world.members.values() if m.school_id == school.pk and m.role == Role.DSL),
        None,
    )


def _by_concerns(school: School) -> list[Pupil]:
    """Children on the roll now, those with the most concerns first."""
    ranked = (
        ConcernPupil.objects.filter(concern__school=school, part=Part.SUBJECT)
        .values("pupil_id")
        .annotate(n=Count("concern", distinct=True))
        .order_by("-n", "pupil__upn")
    )
    on_roll = set(
        Enrolment.objects.filter(school=school, end_date__isnull=True).values_list(
            "pupil_id", flat=True
        )
    )
    ids = [r["pupil_id"] for r in ranked if r["pupil_id"] in on_roll]
    by_id = Pupil.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids]


class _Story:
    def __init__(self, world: DemoWorld, dsl: Membership, pupil: Pupil) -> None:
        self.world, self.dsl, self.pupil = world, dsl, pupil
        assert dsl.school_id is not None
        enrolment = Enrolment.objects.get(
            pupil=pupil, school_id=dsl.school_id, end_date__isnull=True
        )
        self.first_day = enrolment.start_date

    def day(self, days_ago: int) -> date:
        """`days_ago` before the seeding day, but never before the child joined."""
        return max(self.world.today - timedelta(days=days_ago), self.first_day)


def _referral_story(s: _Story) -> None:
    dsl, pupil = s.dsl, s.pupil
    assert dsl.school_id is not None
    contacted = s.day(40)
    # The referral decided on a concern, if it was made long enough ago for the story to follow.
    referral = next(
        (
            d
            for d in services.referral_decisions(school_id=dsl.school_id, pupil=pupil)
            if d.decided_at.date() <= s.world.today - timedelta(days=20)
        ),
        None,
    )
    if referral is not None:
        contacted = max(contacted, referral.decided_at.date())
    contact = services.contact_record(
        actor=dsl,
        pupil=pupil,
        agency="social_care",
        purpose="referral",
        contacted_on=contacted,
        agency_name="Northshire children's services front door (MASH)",
        person_contacted="Duty social worker",
        referral=referral,
        summary="" if referral else "Referral: small signs of neglect over several months.",
        answer_expected_by=contacted + timedelta(days=1),
    )
    answered = contacted + timedelta(days=2)
    answer = services.response_record(
        actor=dsl,
        contact=contact,
        kind="nfa",
        received_on=answered,
        details="Threshold not met; family to be signposted to universal services.",
        school_agrees=False,
        agreement_reason="Months of small signs from several adults; the explanation given for "
        "the missing lunches does not fit what staff see.",
    )
    escalation = services.escalation_open(
        actor=dsl,
        pupil=pupil,
        response=answer,
        opened_on=answered + timedelta(days=1),
        reason="The school believes the threshold for assessment is met: the chronology shows "
        "neglect accumulating over months.",
        what_was_said="Phoned the duty social worker and sent the chronology.",
    )
    first = escalation.stages.get(position=1)
    services.stage_outcome_record(
        actor=dsl,
        stage=first,
        kind="next",
        decided_on=first.started_on + timedelta(days=4),
        what_was_said="The social worker kept the decision; asked for the team manager.",
    )
    held = min(first.started_on + timedelta(days=12), s.world.today)
    services.meeting_record(
        actor=dsl,
        pupil=pupil,
        kind="strategy",
        held_on=held,
        agencies_present=["social_care", "police", "school_nurse"],
        decisions="Section 47 enquiry to start; initial child protection conference to be held.",
        actions_for_school="Share the chronology and attendance; daily check-in with the child.",
        preparation_minutes=45,
        meeting_minutes=60,
        contact=contact,
    )
    services.plan_record(
        actor=dsl,
        pupil=pupil,
        kind="cp",
        cp_category="NEG",
        started_on=min(held + timedelta(days=10), s.world.today),
        lead_professional="Social worker, Northshire children's services",
        local_authority="Northshire",
    )


def _plans_story(s: _Story) -> None:
    dsl, pupil = s.dsl, s.pupil
    today = s.world.today
    services.plan_record(
        actor=dsl,
        pupil=pupil,
        kind="cp",
        cp_category="PHY",
        started_on=today - timedelta(days=5 * 365),
        ended_on=today - timedelta(days=4 * 365 + 120),
        end_reason="stepped_down",
        local_authority="Westshire",
        note="From the child's previous local authority; stepped down to child in need.",
    )
    started = s.day(120)
    services.plan_record(
        actor=dsl,
        pupil=pupil,
        kind="cin",
        started_on=started,
        lead_professional="Social worker, Northshire children's services",
    )
    services.meeting_record(
        actor=dsl,
        pupil=pupil,
        kind="cin_review",
        held_on=s.day(20),
        agencies_present=["social_care", "health_visitor", "early_help"],
        decisions="Plan continues; health visitor to visit the baby at home.",
        actions_for_school="Tell the social worker of any missed days.",
        preparation_minutes=30,
        meeting_minutes=90,
    )
    services.household_child_record(
        actor=dsl,
        pupil=pupil,
        name="Baby (sibling)",
        date_of_birth=today - timedelta(days=200),
        setting_kind="none",
        seen_on=today - timedelta(days=110),
        seen_by="Health visitor",
    )
    for days, details in ((70, "Dental check-up missed."), (25, "Eye clinic appointment missed.")):
        services.engagement_record(
            actor=dsl,
            pupil=pupil,
            kind="missed",
            occurred_on=s.day(days),
            adult="Mum",
            appointment_kind="health",
            details=details,
        )
    services.engagement_record(
        actor=dsl,
        pupil=pupil,
        kind="explanation",
        occurred_on=s.day(15),
        adult="Dad",
        explained_event="injury",
        checked="inconsistent",
        details="Said the bruise on the cheek was from PE; there was no PE that week.",
    )


def _early_help_story(s: _Story) -> None:
    dsl, pupil = s.dsl, s.pupil
    services.plan_record(actor=dsl, pupil=pupil, kind="early_help", started_on=s.day(60))
    services.meeting_record(
        actor=dsl,
        pupil=pupil,
        kind="taf",
        held_on=s.day(30),
        agencies_present=["early_help", "school_nurse"],
        decisions="Parenting course offered; school to provide breakfast club.",
        preparation_minutes=20,
        meeting_minutes=60,
    )
    for days, text in (
        (12, "Happy and settled; played with friends at lunch."),
        (5, "Mum came to parents' evening and asked about reading."),
    ):
        services.day_note_record(
            actor=dsl, pupil=pupil, noted_on=s.day(days), tone="good", text=text
        )
    services.absence_record(
        actor=dsl,
        pupil=pupil,
        starts_on=s.day(14),
        expected_back_on=s.day(4),
        reason="Family funeral abroad, agreed by the headteacher.",
    )


def _waiting_story(s: _Story) -> None:
    services.contact_record(
        actor=s.dsl,
        pupil=s.pupil,
        agency="gp",
        purpose="asked",
        contacted_on=s.day(10),
        agency_name="Riverside Surgery",
        summary="Asked whether the child has been seen about the weight loss staff noticed.",
        answer_expected_by=s.day(3),
    )


def seed(world: DemoWorld) -> None:
    for school in world.schools.values():
        dsl = _dsl_of(world, school)
        if dsl is None:
            continue
        children = _by_concerns(school)
        stories = (_referral_story, _plans_story, _early_help_story, _waiting_story)
        for pupil, story in zip(children, stories, strict=False):
            story(_Story(world, dsl, pupil))
        rest = children[len(stories) :]
        leaver = next(
            (p for p in rest if open_concern_count(school_id=school.pk, pupil=p)),
            rest[-1] if rest else None,
        )
        if leaver is not None:
            services.leaving_record(
                actor=dsl,
                pupil=leaver,
                left_on=_Story(world, dsl, leaver).day(7),
                reason="moved_school",
                destination="Riverside Primary School",
            )
    scope = {"school__in": world.schools.values()}
    world.summary.append(
        f"{AgencyContact.objects.filter(**scope).count()} agency contacts, "
        f"{Plan.objects.filter(**scope).count()} plans, "
        f"{Meeting.objects.filter(**scope).count()} meetings, "
        f"{Leaving.objects.filter(**scope).count()} children leaving the roll"
    )
