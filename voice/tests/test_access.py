"""Who may record and read a child's voice, over HTTP, and that every read is audited."""

import pytest

from audit.models import AuditAction, AuditEvent
from voice.models import VoiceEntry, VoiceEntryVersion
from voice.tests.factories import VoiceEntryFactory

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "words": "Mum was asleep so I got my brother's cereal. There wasn't milk.",
        "share_methods": ["talking"],
        "occurred_on": "2026-03-02",
        "occurred_time": "10:30",
        "occasion": "check_in",
        "asked_by": "Tess Trusted",
        "place": "the nurture room",
        "communication": "direct",
        "typical_morning": "I wake up myself.",
        "worries": "Mum being tired",
        "good_things": "Football",
        "wishes": "A bike",
        "reflection": "Mornings fall to him; breakfast is not reliable.",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def test_trusted_adult_records_and_reads_for_their_child(client_for, trusted_adult, pupil_on_plan):
    client = client_for(trusted_adult)
    response = client.post(f"/voice/pupils/{pupil_on_plan.pk}/record/", _form())
    entry = VoiceEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/voice/entries/{entry.pk}/"
    version = entry.versions.get()
    assert version.words.startswith("Mum was asleep")
    assert version.share_methods == ["talking"]
    assert version.written_by == trusted_adult
    assert AuditEvent.objects.filter(
        action=AuditAction.VOICE_ENTRY_RECORDED, pupil_id=pupil_on_plan.pk
    ).exists()

    page = client.get(f"/voice/entries/{entry.pk}/").content.decode()
    assert "There wasn&#x27;t milk." in page
    assert "House of worries" in page
    assert "Mornings fall to him" in page


def test_trusted_adult_reads_entries_others_recorded_for_their_child(
    client_for, trusted_adult, teacher, pupil_on_plan
):
    by_teacher = VoiceEntryFactory(pupil=pupil_on_plan, recorded_by=teacher, words="Words here.")
    assert client_for(trusted_adult).get(f"/voice/entries/{by_teacher.pk}/").status_code == 200


def test_trusted_adult_cannot_read_another_childs_entries(
    client_for, school, trusted_adult, teacher, pupil_on_plan
):
    from pupils.tests.factories import EnrolmentFactory

    other_child = EnrolmentFactory(school=school).pupil
    entry = VoiceEntryFactory(pupil=other_child, recorded_by=teacher)
    assert client_for(trusted_adult).get(f"/voice/entries/{entry.pk}/").status_code == 404


def test_an_adult_no_longer_trusted_keeps_only_what_they_recorded(
    client_for, dsl, teacher, trusted_adult, pupil_on_plan
):
    from voice.services import check_in_schedule_set

    own = VoiceEntryFactory(pupil=pupil_on_plan, recorded_by=trusted_adult)
    others = VoiceEntryFactory(pupil=pupil_on_plan, recorded_by=dsl)
    check_in_schedule_set(actor=dsl, pupil=pupil_on_plan, trusted_adult=teacher, cadence_days=None)
    client = client_for(trusted_adult)
    assert client.get(f"/voice/entries/{own.pk}/").status_code == 200
    assert client.get(f"/voice/entries/{others.pk}/").status_code == 404
    assert client_for(teacher).get(f"/voice/entries/{others.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["dsl", "deputy_dsl", "headteacher"])
def test_safeguarding_team_and_head_read_every_entry(request, client_for, persona, pupil, teacher):
    entry = VoiceEntryFactory(pupil=pupil, recorded_by=teacher, words="I'm a 4 today.")
    reader = request.getfixturevalue(persona)
    response = client_for(reader).get(f"/voice/entries/{entry.pk}/")
    assert response.status_code == 200
    assert "I&#x27;m a 4 today." in response.content.decode()
    page = client_for(reader).get(f"/voice/pupils/{pupil.pk}/").content.decode()
    assert "I&#x27;m a 4 today." in page


def test_other_staff_record_for_any_child_and_read_only_their_own(
    client_for, teacher, trusted_adult, pupil_on_plan
):
    theirs = VoiceEntryFactory(pupil=pupil_on_plan, recorded_by=trusted_adult, words="Secret-ish")
    client = client_for(teacher)
    response = client.post(
        f"/voice/pupils/{pupil_on_plan.pk}/record/", _form(words="I wanted to tell you.")
    )
    assert response.status_code == 302
    mine = VoiceEntry.objects.get(recorded_by=teacher)
    assert client.get(f"/voice/entries/{mine.pk}/").status_code == 200
    assert client.get(f"/voice/entries/{theirs.pk}/").status_code == 404
    page = client.get(f"/voice/pupils/{pupil_on_plan.pk}/").content.decode()
    assert "I wanted to tell you." in page
    assert "Secret-ish" not in page
    # Other staff do not see the child's safeguarding status.
    assert "Child in need" not in page


@pytest.mark.parametrize("persona", ["governor", "school_admin", "trust_lead"])
def test_governor_admin_and_trust_lead_never(request, client_for, persona, pupil, teacher):
    entry = VoiceEntryFactory(pupil=pupil, recorded_by=teacher)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/voice/entries/{entry.pk}/").status_code == 403
    assert client.get(f"/voice/pupils/{pupil.pk}/").status_code == 403
    assert client.post(f"/voice/pupils/{pupil.pk}/record/", _form()).status_code == 403
    assert VoiceEntry.objects.count() == 1


def test_other_schools_dsl_gets_404_and_nothing_is_logged(
    client_for, other_school_dsl, pupil, teacher
):
    entry = VoiceEntryFactory(pupil=pupil, recorded_by=teacher)
    client = client_for(other_school_dsl)
    assert client.get(f"/voice/entries/{entry.pk}/").status_code == 404
    assert client.get(f"/voice/entries/{entry.pk}/amend/").status_code == 404
    assert client.get(f"/voice/pupils/{pupil.pk}/").status_code == 404
    assert client.post(f"/voice/pupils/{pupil.pk}/record/", _form()).status_code == 404
    assert client.get(f"/voice/pupils/{pupil.pk}/check-ins/").status_code == 404
    assert not AuditEvent.objects.filter(pupil_id=pupil.pk).exists()
    assert VoiceEntry.objects.count() == 1


def test_every_read_is_audited(client_for, dsl, pupil, teacher):
    entry = VoiceEntryFactory(pupil=pupil, recorded_by=teacher)
    client = client_for(dsl)
    client.get(f"/voice/entries/{entry.pk}/")
    client.get(f"/voice/pupils/{pupil.pk}/")
    events = AuditEvent.objects.filter(pupil_id=pupil.pk, actor=dsl.user)
    assert events.filter(action=AuditAction.VOICE_ENTRY_VIEWED, target_id=str(entry.pk)).exists()
    listed = events.get(action=AuditAction.VOICE_ENTRIES_LISTED)
    assert listed.details["entries"] == [str(entry.pk)]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"words": "  "}, "words", "This field is required."),
        ({"occurred_on": "2026-03-03"}, "occurred_on", "The date cannot be in the future."),
        ({"other_adult_present": "on"}, "other_adult", "Say which other adult was there."),
        ({"communication": "interpreter"}, "communication_notes", "Say how the voice was gathered"),
        ({"scale_score": "11"}, "scale_score", "less than or equal to 10"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    client_for, trusted_adult, pupil_on_plan, overrides, field, message
):
    response = client_for(trusted_adult).post(
        f"/voice/pupils/{pupil_on_plan.pk}/record/", _form(**overrides)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert not VoiceEntry.objects.exists()


def test_a_child_who_communicates_differently(client_for, trusted_adult, pupil_on_plan):
    client_for(trusted_adult).post(
        f"/voice/pupils/{pupil_on_plan.pk}/record/",
        _form(
            words="Pointed to the 'sad' symbol for home and the 'happy' symbol for school.",
            communication="symbols",
            communication_notes="Widgit symbol board with the speech and language therapist.",
        ),
    )
    version = VoiceEntryVersion.objects.get()
    assert version.communication == "symbols"
    assert "Widgit" in version.communication_notes


def test_amendment_is_a_new_version_with_a_reason(client_for, trusted_adult, dsl, pupil_on_plan):
    client = client_for(trusted_adult)
    client.post(f"/voice/pupils/{pupil_on_plan.pk}/record/", _form(words="I has a dog."))
    entry = VoiceEntry.objects.get()
    missing_reason = client.post(f"/voice/entries/{entry.pk}/amend/", _form(words="I have a dog."))
    assert missing_reason.status_code == 200
    assert "amendment_reason" in missing_reason.context["form"].errors
    response = client.post(
        f"/voice/entries/{entry.pk}/amend/",
        _form(words="I has a cat.", amendment_reason="I wrote the wrong animal."),
    )
    assert response.status_code == 302
    first, second = entry.versions.order_by("number")
    assert (first.number, first.words, first.amendment_reason) == (1, "I has a dog.", "")
    assert (second.number, second.words) == (2, "I has a cat.")
    assert second.amendment_reason == "I wrote the wrong animal."
    page = client_for(dsl).get(f"/voice/entries/{entry.pk}/").content.decode()
    assert "I has a cat." in page
    assert "Version 1, written" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VOICE_ENTRY_AMENDED, reason="I wrote the wrong animal."
    ).exists()


def test_only_the_author_or_the_safeguarding_team_may_amend(
    client_for, trusted_adult, teacher, headteacher, deputy_dsl, pupil_on_plan
):
    entry = VoiceEntryFactory(pupil=pupil_on_plan, recorded_by=teacher)
    assert client_for(teacher).get(f"/voice/entries/{entry.pk}/amend/").status_code == 200
    assert client_for(deputy_dsl).get(f"/voice/entries/{entry.pk}/amend/").status_code == 200
    # The trusted adult and the head read it but may not rewrite another adult's record.
    assert client_for(trusted_adult).get(f"/voice/entries/{entry.pk}/amend/").status_code == 404
    assert client_for(headteacher).get(f"/voice/entries/{entry.pk}/amend/").status_code == 404


def test_the_attendance_lead_records_like_any_member_of_staff(
    client_for, attendance_lead, dsl, pupil
):
    """A child chooses whom to talk to: the attendance lead records what they said, and reads
    back only that, as a member of staff does."""
    client = client_for(attendance_lead)
    response = client.post(f"/voice/pupils/{pupil.pk}/record/", _form())
    assert response.status_code == 302
    theirs = VoiceEntry.objects.get(recorded_by=attendance_lead)
    assert client.get(f"/voice/entries/{theirs.pk}/").status_code == 200
    by_dsl = VoiceEntryFactory(pupil=pupil, recorded_by=dsl)
    assert client.get(f"/voice/entries/{by_dsl.pk}/").status_code == 404
    page = client.get(f"/voice/pupils/{pupil.pk}/")
    assert [e.pk for e in page.context["entries"]] == [theirs.pk]
