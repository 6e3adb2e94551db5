"""Demo check-ins: statuses, trusted adults and some voice entries for ~20 vulnerable children.

Some check-ins are overdue on purpose, so the DSL's list and the trusted adults' pages have
something to show. Synthetic words only.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from pupils.models import Pupil
from schools.demo import DemoWorld
from schools.models import Membership
from voice import services
from voice.models import Communication, Occasion, ShareMethod, SupportLevel, VoiceSettings
from voice.services import VoiceContent

# (school key, DSL persona, trusted-adult personas, statuses to hand out in order)
_PLAN = (
    (
        "primary",
        "dsl",
        ("teacher", "teacher2"),
        [SupportLevel.CP_PLAN] * 2
        + [SupportLevel.CIN] * 3
        + [SupportLevel.EARLY_HELP] * 4
        + [SupportLevel.MONITORING] * 3,
    ),
    (
        "secondary",
        "secondary_dsl",
        ("secondary_teacher",),
        [SupportLevel.CP_PLAN, SupportLevel.CIN, SupportLevel.CIN]
        + [SupportLevel.EARLY_HELP] * 3
        + [SupportLevel.MONITORING] * 2,
    ),
)

_WORDS = (
    "I like it when Nan picks me up because we get chips on Fridays.",
    "Mornings are shouting. I get my own breakfast if there is any.",
    "I don't sleep good because the baby cries and I share with him.",
    "My worry is mum being sad. My good thing is football. My wish is a dog.",
    "I'm ok. I just get tired. Dad's friend stays over a lot now.",
    "School is the quiet bit of my day.",
    "I drew my house. That's me in the corner by the door.",
    "On the scale I'm a 6 today. Yesterday was a 3 because of the arguing.",
)
_PLACES = ("the nurture room", "the library", "the playground bench", "the pastoral office")


def _content(world: DemoWorld, *, adult: Membership, days_ago: int) -> VoiceContent:
    day = world.today - timedelta(days=days_ago)
    occurred = timezone.make_aware(datetime.combine(day, time(10 + world.rng.randrange(5), 15)))
    words = world.rng.choice(_WORDS)
    drawing = "drew" in words
    return VoiceContent(
        occurred_at=occurred,
        occasion=Occasion.CHECK_IN if world.rng.random() < 0.8 else Occasion.CHILD_CHOSE,
        words=words,
        share_methods=[ShareMethod.DRAWING] if drawing else [ShareMethod.TALKING],
        scale_question="How are things at home, from 0 to 10?" if "scale" in words else "",
        scale_score=6 if "scale" in words else None,
        asked_by=adult.user.full_name,
        place=world.rng.choice(_PLACES),
        communication=Communication.DIRECT,
        worries="Mum being sad" if "worry" in words else "",
        good_things="Football" if "football" in words else "",
        wishes="A dog" if "dog" in words else "",
        reflection="Mornings sound unpredictable; keep checking on breakfast and sleep."
        if world.rng.random() < 0.5
        else "",
    )


def seed(world: DemoWorld) -> None:
    children = 0
    entries = 0
    for school_key, dsl_key, adult_keys, levels in _PLAN:
        school = world.schools[school_key]
        dsl = world.members[dsl_key]
        VoiceSettings.objects.create(school=school)
        pool = list(Pupil.objects.filter(enrolments__school=school).order_by("upn"))
        for index, (pupil, level) in enumerate(
            zip(world.rng.sample(pool, len(levels)), levels, strict=True)
        ):
            adult = world.members[adult_keys[index % len(adult_keys)]]
            services.support_status_record(
                actor=dsl,
                pupil=pupil,
                level=level,
                starts_on=world.today - timedelta(days=world.rng.randrange(60, 200)),
                reason="Demo: from the strategy meeting minutes.",
            )
            services.check_in_schedule_set(
                actor=dsl, pupil=pupil, trusted_adult=adult, cadence_days=None
            )
            cadence = VoiceSettings(school=school).cadence_for(level) or 42
            # Roughly a third overdue: last heard longer ago than the cadence.
            overdue = index % 3 == 0
            last = (
                cadence + world.rng.randrange(3, 20) if overdue else world.rng.randrange(1, cadence)
            )
            for days_ago in (last + cadence, last)[-(1 + world.rng.randrange(2)) :]:
                services.voice_entry_record(
                    actor=adult,
                    pupil=pupil,
                    content=_content(world, adult=adult, days_ago=days_ago),
                )
                entries += 1
            children += 1
    world.summary.append(f"{children} children with check-ins, {entries} voice entries")
