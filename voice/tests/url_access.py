"""Who reaches each voice URL. The test world's teacher is nobody's trusted adult and recorded
nothing, so the entry belongs to the DSL; school-wide readers (DSL team, headteacher) read it.
The attendance lead is a member of staff here: records for any child on the roll, reads only
what they recorded (or were made trusted adult for), and so gets what the teacher gets."""

from tests.access_table import Case, allow, an_hour_ago, world_object

_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731


def _build_entry(world):
    from voice.tests.factories import voice_entry

    return voice_entry(pupil=world.pupil, recorded_by=world.dsl)


def _build_attachment(world):
    # In conftest's small world the stored file is missing: readers get past the access check
    # to a 404 for the file (see voice/tests/test_attachments for real files).
    from voice.models import VoiceAttachment

    entry = world_object(world, "entry", _build_entry)
    return VoiceAttachment.objects.create(
        entry=entry,
        added_in=entry.versions.get(),
        original_name="drawing.png",
        content_type="image/png",
        size=8,
        sha256="0" * 64,
        stored_as="aa/missing.png",
        uploaded_by=world.dsl,
    )


def _entry(world) -> dict[str, object]:
    return {"entry_id": world_object(world, "entry", _build_entry).pk}


def _attachment(world) -> dict[str, object]:
    return {"attachment_id": world_object(world, "voice_attachment", _build_attachment).pk}


def _voice_post(w) -> dict[str, object]:

    return {
        "occurred_on": an_hour_ago()[0],
        "occurred_time": an_hour_ago()[1],
        "occasion": "check_in",
        "words": "Posted by the access table.",
        "asked_by": "The access table",
        "place": "the library",
        "communication": "direct",
        "amendment_reason": "Posted by the access table.",
    }


def _plan_post(w) -> dict[str, object]:
    from django.utils import timezone

    return {"level": "monitoring", "starts_on": timezone.localdate().isoformat()}


_recorders = ("teacher", "attendance_lead", "dsl", "deputy_dsl", "headteacher")
_readers = ("dsl", "deputy_dsl", "headteacher")
_team = ("dsl", "deputy_dsl")

CASES = {
    # Any member of staff may find a child on the roll to record for; the other school's DSL
    # finds only their own school's children.
    "voice:record_choose": Case(
        allow(*_recorders, "other_school_dsl"),
        data=lambda w: {"q": w.pupil.legal_surname[:-2]},
    ),
    "voice:record": Case(allow(*_recorders, other_school_dsl=404), kwargs=_child, post=_voice_post),
    # The child's voice page: a teacher sees it (with only what they recorded).
    "voice:pupil": Case(allow(*_recorders, other_school_dsl=404), kwargs=_child),
    "voice:plan": Case(allow(*_team, other_school_dsl=404), kwargs=_child, post=_plan_post),
    "voice:entry": Case(
        allow(*_readers, teacher=404, other_teacher=404, attendance_lead=404, other_school_dsl=404),
        kwargs=_entry,
    ),
    "voice:amend": Case(
        allow(
            *_team,
            teacher=404,
            other_teacher=404,
            attendance_lead=404,
            headteacher=404,
            other_school_dsl=404,
        ),
        kwargs=_entry,
        post=_voice_post,
    ),
    "voice:attachment": Case(
        allow(*_readers, teacher=404, other_teacher=404, attendance_lead=404, other_school_dsl=404),
        kwargs=_attachment,
    ),
    "voice:my_check_ins": Case(allow(*_recorders, "other_school_dsl")),
    "voice:school_check_ins": Case(allow(*_readers, "other_school_dsl")),
    "voice:settings": Case(
        allow(*_team, "other_school_dsl"),
        post=lambda w: {
            "cp_plan_days": "7",
            "cin_days": "14",
            "early_help_days": "21",
            "monitoring_days": "28",
            "due_soon_days": "2",
        },
    ),
}
