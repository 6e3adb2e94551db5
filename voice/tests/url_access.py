"""Who reaches each voice URL. The test world's teacher is nobody's trusted adult and recorded
nothing, so the entry belongs to the DSL; school-wide readers (DSL team, headteacher) read it.
The attendance lead is a member of staff here: records for any child on the roll, reads only
what they recorded (or were made trusted adult for), and so gets what the teacher gets."""

from tests.access_table import Case, allow
from voice.tests.factories import voice_entry

_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731


def _entry(world) -> dict[str, object]:
    return {"entry_id": voice_entry(pupil=world.pupil, recorded_by=world.dsl).pk}


def _attachment(world) -> dict[str, object]:
    from voice.models import VoiceAttachment

    entry = voice_entry(pupil=world.pupil, recorded_by=world.dsl)
    attachment = VoiceAttachment.objects.create(
        entry=entry,
        added_in=entry.versions.get(),
        original_name="drawing.png",
        content_type="image/png",
        size=8,
        sha256="0" * 64,
        stored_as="aa/missing.png",
        uploaded_by=world.dsl,
    )
    return {"attachment_id": attachment.pk}


_recorders = ("teacher", "attendance_lead", "dsl", "deputy_dsl", "headteacher")
_readers = ("dsl", "deputy_dsl", "headteacher")
_team = ("dsl", "deputy_dsl")

CASES = {
    # Any member of staff may find a child on the roll to record for; the other school's DSL
    # finds only their own school's children.
    "voice:record_choose": Case(allow(*_recorders, "other_school_dsl")),
    "voice:record": Case(allow(*_recorders, other_school_dsl=404), kwargs=_child),
    # The child's voice page: a teacher sees it (with only what they recorded).
    "voice:pupil": Case(allow(*_recorders, other_school_dsl=404), kwargs=_child),
    "voice:plan": Case(allow(*_team, other_school_dsl=404), kwargs=_child),
    "voice:entry": Case(
        allow(*_readers, teacher=404, attendance_lead=404, other_school_dsl=404), kwargs=_entry
    ),
    "voice:amend": Case(
        allow(*_team, teacher=404, attendance_lead=404, headteacher=404, other_school_dsl=404),
        kwargs=_entry,
    ),
    # The stored file is missing in this world: readers get past the access check to a 404
    # for the file, others are refused before it (see test_attachments for real files).
    "voice:attachment": Case(
        allow(*_readers, ok=404, teacher=404, attendance_lead=404, other_school_dsl=404),
        kwargs=_attachment,
    ),
    "voice:my_check_ins": Case(allow(*_recorders, "other_school_dsl")),
    "voice:school_check_ins": Case(allow(*_readers, "other_school_dsl")),
    "voice:settings": Case(allow(*_team, "other_school_dsl")),
}
