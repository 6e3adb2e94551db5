"""Demo findings: after the other seeders, the detectors run over the demo trust's records, so the
demo DSL's inbox and the pupil pages show findings that rest on real (synthetic) records.

Before the run, a small cast of synthetic children at the primary school carries the slow-burn
patterns (issue 18), dated relative to the seeding day so that each shows a live finding on
the day the demo is seeded: one teacher's notes of neglect over two terms, injuries in autumn and
spring explained only by mum, the trio known for an only child, concerns with none of the
child's words, a child's words about being left alone, one concern about two siblings, a
referral closed two years ago followed by a new one, a brother of school age on no roll whom
nobody has seen, and social care's "no further action" followed by a new concern. (Casework's
own demo gives the parents who miss health appointments and the child not back from an agreed
absence.)
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from casework import services as casework
from concerns.models import (
    Action,
    BodyMark,
    BodyRegion,
    BodySide,
    Category,
    Concern,
    ConcernPupil,
    ConcernVersion,
    Decision,
    Outcome,
    Part,
    Source,
)
from concerns.services import categories_ensure
from factors.models import FactorSource, KnownFactor
from patterns.db_loader import DatabaseFacts
from patterns.runs import run_in_chunks
from patterns.services import findings_refresh
from pupils.models import Household, HouseholdMember, Pupil
from schools.demo import DemoWorld
from schools.models import DSL_TEAM_ROLES, Membership, Role, School
from voice.models import VoiceEntry, VoiceEntryVersion


def seed(world: DemoWorld) -> None:
    _slow_burn_cast(world, world.schools["primary"])
    school_ids = {str(school.pk) for school in world.schools.values()}
    source = DatabaseFacts(as_of=world.today, school_ids=school_ids)
    result = run_in_chunks(
        source.source(),
        as_of=world.today,
        pupil_ids=source.pupil_ids(),
        school_ids=school_ids,
        progress=False,
    )
    summary = findings_refresh(actor=None, result=result, now=timezone.now())
    world.summary.append(
        f"{len(result.raised)} findings about {len(result.pupil_ids)} children ({summary.line()})"
    )


class _Cast:
    """Writes the cast's records with their own dates (the demo's seeders write directly)."""

    def __init__(self, world: DemoWorld, school: School) -> None:
        self.today = world.today
        self.school = school
        staff = Membership.objects.filter(school=school).select_related("user").order_by("pk")
        self.dsl = next(m for m in staff if m.role in DSL_TEAM_ROLES)
        self.teacher = next((m for m in staff if m.role == Role.STAFF), self.dsl)
        categories_ensure(school=school)
        self.categories = {c.code: c for c in Category.objects.filter(school=school)}

    def moment(self, days_ago: int, hour: int = 10) -> datetime:
        day = self.today - timedelta(days=days_ago)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return timezone.make_aware(datetime.combine(day, time(hour)))

    def concern(
        self,
        pupils: list[Pupil],
        days_ago: int,
        facts: str,
        *,
        category: str = "neglect",
        child_words: str = "",
        author: Membership | None = None,
        marks: tuple[str, ...] = (),
    ) -> Concern:
        author = author or self.teacher
        occurred = self.moment(days_ago)
        written = min(occurred + timedelta(hours=5), timezone.now())
        concern = Concern.objects.create(
            school=self.school,
            recorded_by=author,
            author_name=author.user.full_name,
            author_role=author.get_role_display(),
            occurred_at=occurred,
            written_at=written,
            location="Classroom",
            source=Source.CAIRN,
        )
        for pupil in pupils:
            ConcernPupil.objects.create(concern=concern, pupil=pupil, part=Part.SUBJECT)
        version = ConcernVersion.objects.create(
            concern=concern,
            number=1,
            facts=facts,
            child_words=child_words,
            written_by=author,
            written_at=written,
        )
        version.categories.set([self.categories[category]])
        for region in marks:
            BodyMark.objects.create(
                concern=concern, side=BodySide.BACK, region=region, description="Bruise"
            )
        return concern

    def decision(self, concern: Concern, outcome: Outcome, days_ago: int) -> Decision:
        decided = self.moment(days_ago, 15)
        referral = outcome == Outcome.SOCIAL_CARE
        return Decision.objects.create(
            concern=concern,
            outcome=outcome,
            rationale="Referred to children's social care."
            if referral
            else "Closed by children's social care; no further action by the school.",
            referral_reference="MASH-20000" if referral else "",
            referral_date=decided.date() if referral else None,
            outcome_expected_by=(decided + timedelta(days=3)).date() if referral else None,
            decided_by=self.dsl,
            decided_by_name=self.dsl.user.full_name,
            decided_at=decided,
            written_at=decided,
        )


def _slow_burn_cast(world: DemoWorld, school: School) -> None:
    busy = set(ConcernPupil.objects.values_list("pupil_id", flat=True))
    housed = set(HouseholdMember.objects.values_list("pupil_id", flat=True))
    free = [
        p
        for p in Pupil.objects.filter(enrolments__school=school).order_by("upn")
        if p.pk not in busy and p.pk not in housed
    ]
    cast = _Cast(world, school)
    one_teacher, injured, only_child, quiet, alone, sister, brother, referred = free[:8]
    unseen_brother, answered, knocked, disabled, practical, leaver = free[8:14]
    # One teacher's notes of neglect across two terms (persistent neglect).
    for days_ago, facts in (
        (150, "Hungry on arrival; asked for toast at breakfast club."),
        (95, "No coat in the cold; jumper damp."),
        (40, "Fell asleep after lunch; very tired all day."),
        (6, "Hungry again; said there was nothing for breakfast."),
    ):
        cast.concern([one_teacher], days_ago, facts, child_words="I had some crisps.")
    # Injuries in autumn and spring at unusual sites, each explained only by mum.
    cast.concern(
        [injured],
        120,
        "Bruising on the upper back seen in PE. Mum said he fell down the stairs.",
        category="physical",
        marks=(BodyRegion.UPPER_BACK,),
    )
    cast.concern(
        [injured],
        4,
        "Bruise on the lower back. Mum explained he slipped in the bath.",
        category="physical",
        marks=(BodyRegion.LOWER_BACK,),
    )
    # The trio known for an only child with no household record.
    for code, days_ago in (("3B", 200), ("4B", 60), ("2B", 10)):
        KnownFactor.objects.create(
            school=school,
            pupil=only_child,
            code=code,
            source=FactorSource.AGENCY,
            known_from=cast.today - timedelta(days=days_ago),
            recorded_by=cast.dsl,
            recorded_at=cast.moment(days_ago, 16),
        )
    # Three concerns from staff and none of the child's own words.
    for days_ago, facts in ((80, "Withdrawn at break."), (30, "No PE kit."), (3, "Smelly.")):
        cast.concern([quiet], days_ago, facts, author=cast.dsl)
    # The child's words at a check-in: left alone at the weekend.
    entry = VoiceEntry.objects.create(
        pupil=alone, school=school, recorded_by=cast.dsl, created_at=cast.moment(5, 14)
    )
    VoiceEntryVersion.objects.create(
        entry=entry,
        number=1,
        occurred_at=cast.moment(5, 13),
        occasion="check_in",
        words="I was on my own all weekend. Mum went out and didn't come back till Sunday.",
        asked_by=cast.dsl.user.full_name,
        place="the library",
        written_by=cast.dsl,
        written_at=cast.moment(5, 14),
    )
    # One concern about two siblings: it counts for each of them.
    household = Household.objects.create(trust=school.trust, name="Demo family")
    for child in (sister, brother):
        HouseholdMember.objects.create(
            household=household, pupil=child, joined_on=cast.today - timedelta(days=400)
        )
    cast.concern(
        [sister, brother],
        12,
        "Both came without lunch or coats.",
        child_words="We had no food in the house.",
    )
    # Referred two years ago and closed; referred again this month (history does not expire).
    old = cast.concern([referred], 730, "Persistent head lice and hunger.")
    cast.decision(old, Outcome.SOCIAL_CARE, 729)
    cast.decision(old, Outcome.NO_FURTHER_ACTION, 690)
    new = cast.concern([referred], 9, "Hungry and unkempt again.", child_words="I'm fine.")
    cast.decision(new, Outcome.SOCIAL_CARE, 8)
    # A brother of school age on no school roll, whom no professional has seen, while concerns
    # about his sister are open (missing education; a child not seen).
    cast.concern(
        [unseen_brother], 20, "Came in without lunch again.", child_words="There wasn't any."
    )
    casework.household_child_record(
        actor=cast.dsl,
        pupil=unseen_brother,
        name="Older brother",
        date_of_birth=cast.today - timedelta(days=9 * 365 + 100),
        setting_kind="none",
        note="Mum says he is between schools.",
    )
    # Social care answered "no further action"; a new concern since (escalation needed).
    pushed = cast.concern(
        [answered],
        45,
        "Bruise on the arm.",
        category="physical",
        child_words="My brother pushed me.",
        marks=(BodyRegion.LEFT_ARM,),
    )
    referral = cast.decision(pushed, Outcome.SOCIAL_CARE, 44)
    contact = casework.contact_record(
        actor=cast.dsl,
        pupil=answered,
        agency="social_care",
        purpose="referral",
        contacted_on=referral.decided_at.date(),
        summary="",
        agency_name="Northshire children's services front door (MASH)",
        referral=referral,
    )
    casework.response_record(
        actor=cast.dsl,
        contact=contact,
        kind="nfa",
        received_on=referral.decided_at.date() + timedelta(days=3),
        details="Family support offered; no further action.",
        school_agrees=True,
    )
    cast.concern([answered], 6, "Hungry and no coat.", child_words="Mum said it's not cold.")
    _weeks_cast(cast, knocked, disabled, practical, leaver)
    _adolescent(world, world.schools["secondary"])
    world.summary.append(f"{school.name}: 14 children with slow-burn patterns for the detectors")


def _weeks_cast(
    cast: _Cast, knocked: Pupil, disabled: Pupil, practical: Pupil, leaver: Pupil
) -> None:
    """Patterns within weeks, so every detector shows a live finding in the demo."""
    # Two knocks within weeks (injuries).
    for days_ago, region in ((20, BodyRegion.LEFT_ARM), (3, BodyRegion.RIGHT_ARM)):
        cast.concern(
            [knocked],
            days_ago,
            "Bruise on the arm.",
            category="physical",
            child_words="I bumped it.",
            marks=(region,),
        )
    # A disabled child with two welfare concerns (looked at sooner).
    Pupil.objects.filter(pk=disabled.pk).update(disability=True)
    for days_ago, facts in ((30, "Very tired; fell asleep in class."), (10, "No packed lunch.")):
        cast.concern([disabled], days_ago, facts, child_words="I'm okay.")
    # Neglect answered only with practical help (food, uniform).
    worries = [
        cast.concern([practical], days_ago, facts, child_words="I'm fine.")
        for days_ago, facts in ((50, "Hungry at breakfast club."), (35, "Uniform dirty all week."))
    ]
    for days_ago, task in ((34, "Breakfast club place"), (33, "Uniform voucher for the family")):
        Action.objects.create(
            concern=worries[-1],
            description=task,
            assigned_to=cast.dsl,
            due_on=cast.today,
            created_by=cast.dsl,
            created_at=cast.moment(days_ago, 16),
        )
    # An open concern, then taken off the roll for home education (left while open; missing
    # education).
    cast.concern([leaver], 12, "Said mum shouts and throws things.", category="emotional")
    casework.leaving_record(
        actor=cast.dsl, pupil=leaver, left_on=cast.moment(2).date(), reason="ehe"
    )


def _adolescent(world: DemoWorld, school: School) -> None:
    """A young person at the secondary school who went missing overnight (adolescent risks)."""
    busy = set(ConcernPupil.objects.values_list("pupil_id", flat=True))
    cutoff = world.today - timedelta(days=12 * 365)
    oldest_free = (
        Pupil.objects.filter(enrolments__school=school, date_of_birth__lte=cutoff)
        .exclude(pk__in=busy)
        .order_by("upn")[:1]
    )
    cast = _Cast(world, school)
    for young in oldest_free:
        cast.concern(
            [young],
            4,
            "Police brought them home after they were missing overnight.",
            category="missing",
            child_words="I was with friends from town.",
        )
