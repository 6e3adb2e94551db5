"""The pages, per role: search, front sheet, household, household links, import."""

import datetime
from typing import cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from pupils.models import (
    HouseholdSuggestion,
    ImportBatch,
    ImportStatus,
    Pupil,
    PupilStatus,
    RelationshipKind,
    SocialCareStatus,
    StatusKind,
    SuggestionReason,
    SuggestionStatus,
)
from pupils.tests.ctf_files import ctf, pupil_xml
from pupils.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
    PupilFactory,
    RelationshipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def front_sheet_pupil(pupil):
    RelationshipFactory(
        pupil=pupil,
        person=PersonFactory(
            forename="Kim", surname="Testchild", phones=[{"type": "M", "number": "07700 900123"}]
        ),
        contact_priority=1,
    )
    RelationshipFactory(
        pupil=pupil,
        person=PersonFactory(forename="Lou", surname="Testchild"),
        kind=RelationshipKind.PARENT_WITHOUT_PR,
        parental_responsibility=False,
        lives_with_pupil=False,
        contact_priority=2,
    )
    RelationshipFactory(
        pupil=pupil,
        person=PersonFactory(
            forename="Pat",
            surname="Worker",
            organisation="Children's Services",
            job_title="Social worker",
        ),
        kind=RelationshipKind.PROFESSIONAL,
        parental_responsibility=False,
        lives_with_pupil=False,
    )
    PupilStatus.objects.create(
        pupil=pupil,
        kind=StatusKind.LOOKED_AFTER,
        started_on=datetime.date(2024, 5, 3),
        ended_on=datetime.date(2025, 6, 1),
        source="manual",
    )
    return pupil


def test_front_sheet_shows_responsibility_contacts_professionals_statuses(
    client_for, dsl, front_sheet_pupil
):
    response = client_for(dsl).get(reverse("pupils:detail", args=[front_sheet_pupil.pk]))
    assert response.status_code == 200
    sheet = response.context["sheet"]
    assert [r.person.forename for r in sheet.parental_responsibility] == ["Kim"]
    assert [r.person.forename for r in sheet.emergency_contacts] == ["Kim", "Lou"]
    assert [r.person.forename for r in sheet.professionals] == ["Pat"]
    html = response.content.decode()
    assert "Parental responsibility" in html
    assert "07700 900123" in html
    assert "Social worker, Children&#x27;s Services" in html
    assert "Looked after</strong> from 3 May 2024 to 1 Jun 2025" in html
    assert AuditEvent.objects.filter(
        action=AuditAction.PUPIL_VIEWED, pupil_id=front_sheet_pupil.pk
    ).exists()


def test_front_sheet_has_the_panel_slot_for_other_apps(client_for, dsl, pupil, settings):
    settings.PUPIL_FRONT_SHEET_PANELS = ["pupils.tests.test_views.example_panel"]
    from pupils.selectors.panels import _panel_sources

    _panel_sources.cache_clear()
    try:
        response = client_for(dsl).get(reverse("pupils:detail", args=[pupil.pk]))
    finally:
        _panel_sources.cache_clear()
    assert "Example panel" in response.content.decode()
    assert f"for {pupil.upn}" in response.content.decode()


def example_panel(*, viewer, pupil):
    from pupils.selectors import Panel

    return Panel(title="Example panel", template="pupils/tests/example_panel.html")


def test_sibling_at_the_other_school_shows_records_and_contact_audited(
    client_for, dsl, pupil, other_school
):
    from schools.models import Role
    from schools.tests.factories import MembershipFactory

    brother = EnrolmentFactory(
        school=other_school,
        pupil=PupilFactory(
            legal_forename="Ben",
            legal_surname="Testchild",
            social_care_status=SocialCareStatus.OPEN,
        ),
    ).pupil
    MembershipFactory(
        school=other_school,
        role=Role.DSL,
        user__email="dsl@secondary.example",
        user__full_name="Sam Reyes",
    )
    household = HouseholdFactory(trust=other_school.trust)
    HouseholdMemberFactory(household=household, pupil=pupil)
    HouseholdMemberFactory(household=household, pupil=brother)
    html = client_for(dsl).get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert "Ben Testchild" in html
    assert "Has records" in html
    assert "dsl@secondary.example" in html
    assert reverse("pupils:detail", args=[brother.pk]) not in html
    shown = AuditEvent.objects.get(action=AuditAction.SIBLING_SHOWN_ACROSS_SCHOOLS)
    assert shown.pupil_id == brother.pk
    assert shown.school_id == pupil.enrolments.get().school_id
    # The DSL cannot open the brother's record itself.
    assert client_for(dsl).get(reverse("pupils:detail", args=[brother.pk])).status_code == 404


def test_household_page_shows_members_adults_and_history(client_for, dsl, pupil, other_school):
    brother = EnrolmentFactory(school=other_school, pupil=PupilFactory(legal_forename="Ben")).pupil
    household = HouseholdFactory(trust=other_school.trust, name="Testchild household")
    HouseholdMemberFactory(household=household, pupil=pupil)
    HouseholdMemberFactory(household=household, pupil=brother, left_on=datetime.date(2025, 1, 1))
    RelationshipFactory(
        pupil=pupil,
        person=PersonFactory(forename="Kim", surname="Testchild"),
        valid_from=datetime.date(2024, 3, 1),
    )
    response = client_for(dsl).get(reverse("pupils:household", args=[household.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Testchild household" in html
    assert "at another school" in html
    assert "Kim Testchild (parent with parental responsibility) joined the household" in html
    assert AuditEvent.objects.filter(
        action=AuditAction.HOUSEHOLD_VIEWED, pupil_id=pupil.pk
    ).exists()


def test_search_by_name_upn_year_and_status(client_for, dsl, pupil, school):
    left = cast(Pupil, PupilFactory(legal_forename="Gone", year_group="6"))
    EnrolmentFactory(school=school, end_date=datetime.date(2025, 7, 20), pupil=left)
    client = client_for(dsl)

    def names(**q):
        return [p.legal_forename for p in client.get(reverse("pupils:search"), q).context["pupils"]]

    assert names(q="testchild") == ["Ava"]
    assert names(q=pupil.upn) == ["Ava"]
    assert names(year="4") == ["Ava"]
    assert names(status="left") == ["Gone"]
    assert sorted(names(status="any")) == ["Ava", "Gone"]
    PupilStatus.objects.create(pupil=left, kind=StatusKind.YOUNG_CARER, source="manual")
    assert names(status="young_carer") == ["Gone"]


def test_search_as_htmx_returns_the_results_only(client_for, dsl, pupil):
    response = client_for(dsl).get(reverse("pupils:search"), {"q": "Ava"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"Ava Testchild" in response.content


def test_dsl_confirms_a_household_link(client_for, dsl, pupil, school):
    other = cast(Pupil, PupilFactory(legal_forename="Cal"))
    EnrolmentFactory(school=school, pupil=other)
    suggestion = HouseholdSuggestion.objects.create(
        pupil_a=pupil, pupil_b=other, reason=SuggestionReason.SHARED_ADDRESS, evidence="Same"
    )
    client = client_for(dsl)
    assert "Cal" in client.get(reverse("pupils:suggestions")).content.decode()
    url = reverse("pupils:suggestion_decide", args=[suggestion.pk])
    invalid = client.post(url, {})
    assert invalid.status_code == 200
    assert "There is a problem" in invalid.content.decode()
    response = client.post(url, {"decision": "confirm", "reason": "Known family"})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.CONFIRMED
    assert suggestion.decided_by == dsl
    assert client.get(url).status_code == 404  # decided: nothing left to decide


def test_other_schools_dsl_cannot_decide_or_see_the_household(client_for, other_school_dsl, pupil):
    household = HouseholdFactory(trust=pupil.enrolments.get().school.trust)
    HouseholdMemberFactory(household=household, pupil=pupil)
    client = client_for(other_school_dsl)
    assert client.get(reverse("pupils:household", args=[household.pk])).status_code == 404
    assert client.get(reverse("pupils:detail", args=[pupil.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["school_admin", "dsl"])
def test_upload_previews_then_imports(client_for, request, persona, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.CAIRN_CTF_VERSIONS = ["25.0", "24.0"]
    member = request.getfixturevalue(persona)
    member.school.la_code, member.school.establishment_number = "999", "8888"
    member.school.save()
    client = client_for(member)
    upload = SimpleUploadedFile("9999999_CTF_9998888_001.xml", ctf(pupil_xml(upn="R999888825002")))
    response = client.post(
        reverse("pupils:import_upload"), {"kind": "ctf", "mapping": "cairn", "file": upload}
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.added == 1
    assert Pupil.objects.filter(upn="R999888825002").count() == 0
    preview = client.get(response.url).content.decode()
    assert "R999888825002" in preview
    assert "Import these pupils" in preview
    client.post(reverse("pupils:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED
    assert Pupil.objects.filter(upn="R999888825002").exists()
    assert not list(tmp_path.glob("imports/*.upload")), "the upload is removed once imported"
    # Importing twice is refused politely.
    again = client.post(reverse("pupils:import_commit", args=[batch.pk]), follow=True)
    assert "dealt with already" in again.content.decode()


def test_a_refused_upload_shows_its_problems(client_for, school_admin, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("bad.csv", b"upn,legal_forename\nX,Y\n")
    response = client_for(school_admin).post(
        reverse("pupils:import_upload"),
        {"kind": "csv", "mapping": "cairn", "file": upload},
        follow=True,
    )
    html = response.content.decode()
    assert "cannot be imported; nothing was changed" in html
    assert "required column(s) missing: legal_surname, date_of_birth" in html
    assert ImportBatch.objects.get().status == ImportStatus.FAILED


def test_an_oversized_upload_is_refused_by_the_form(client_for, school_admin, settings):
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "pupils_csv": 1024}
    upload = SimpleUploadedFile("big.csv", b"x" * 2048)
    response = client_for(school_admin).post(
        reverse("pupils:import_upload"), {"kind": "csv", "file": upload}
    )
    assert response.status_code == 200
    assert "Cairn accepts a pupil CSV file of up to 1,024 bytes" in response.content.decode()
    assert not ImportBatch.objects.exists()
