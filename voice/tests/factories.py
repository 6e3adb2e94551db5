import datetime
from typing import cast

import factory
from django.utils import timezone

from voice.models import (
    CheckInSchedule,
    SupportLevel,
    SupportStatus,
    VoiceEntry,
    VoiceEntryVersion,
)


class SupportStatusFactory(factory.django.DjangoModelFactory[SupportStatus]):
    class Meta:
        model = SupportStatus

    pupil = factory.SubFactory("pupils.tests.factories.PupilFactory")
    school = factory.SelfAttribute("recorded_by.school")
    level = SupportLevel.CIN
    starts_on = datetime.date(2026, 1, 5)
    recorded_by = factory.SubFactory("schools.tests.factories.MembershipFactory", role="dsl")


class CheckInScheduleFactory(factory.django.DjangoModelFactory[CheckInSchedule]):
    class Meta:
        model = CheckInSchedule

    pupil = factory.SubFactory("pupils.tests.factories.PupilFactory")
    school = factory.SelfAttribute("set_by.school")
    trusted_adult = None
    set_by = factory.SubFactory("schools.tests.factories.MembershipFactory", role="dsl")


class VoiceEntryFactory(factory.django.DjangoModelFactory[VoiceEntry]):
    """An entry with its first version (the words are in `words`)."""

    class Meta:
        model = VoiceEntry
        skip_postgeneration_save = True

    pupil = factory.SubFactory("pupils.tests.factories.PupilFactory")
    school = factory.SelfAttribute("recorded_by.school")
    recorded_by = factory.SubFactory("schools.tests.factories.MembershipFactory")

    @factory.post_generation
    def words(obj, create, extracted, **kwargs):  # noqa: N805
        entry = cast(VoiceEntry, obj)
        VoiceEntryVersion.objects.create(
            entry=entry,
            number=1,
            occurred_at=kwargs.get("occurred_at") or timezone.now(),
            occasion="check_in",
            words=extracted or "I like coming to school because it is calm.",
            asked_by=entry.recorded_by.user.full_name,
            place="the library",
            written_by=entry.recorded_by,
        )


def voice_entry(**kwargs) -> VoiceEntry:
    """A VoiceEntryFactory entry, typed as the model."""
    return cast(VoiceEntry, VoiceEntryFactory(**kwargs))
