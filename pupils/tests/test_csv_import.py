"""The CSV importer: Cairn's own columns, an MIS mapping, errors naming line and column."""

import io

import pytest

from pupils.importers.apply import import_file
from pupils.importers.csv import available_mappings
from pupils.importers.records import ImportFileError
from pupils.models import ImportKind, Pupil, PupilAddress, Relationship, RelationshipKind

pytestmark = pytest.mark.django_db

U1, U2 = "R999888825002", "F999888825003"
HEADER = (
    "upn,legal_forename,legal_surname,date_of_birth,sex,ethnicity,year_group,looked_after,"
    "enrolment_start,address_line_1,address_town,address_postcode,contact_1_forename,"
    "contact_1_surname,contact_1_relationship,contact_1_parental_responsibility,contact_1_mobile,"
    "contact_2_forename,contact_2_surname,contact_2_relationship,contact_2_parental_responsibility\n"
)


def _row(upn=U1, forename="Ava", dob="2016-05-17", ethnicity="WBRI", line1="3 Mill Lane"):
    return (
        f"{upn},{forename},Testchild,{dob},F,{ethnicity},4,false,2022-09-05,{line1},Riverbend,"
        "ZZ1 1ZZ,Kim,Testchild,PAM,true,07700 900123,Lou,Testchild,PAF,false\n"
    )


def _import(text: str, school, *, mapping=None, dry_run=False):
    return import_file(
        kind=ImportKind.CSV,
        stream=io.BytesIO(text.encode()),
        file_name="pupils.csv",
        school=school,
        actor=None,
        dry_run=dry_run,
        mapping=mapping,
    )


def test_cairn_columns_import_pupils_contacts_and_addresses(school):
    result = _import(HEADER + _row() + _row(upn=U2, forename="Ben"), school)
    assert result.added == 2
    ava = Pupil.objects.get(upn=U1)
    assert ava.enrolments.get().start_date.isoformat() == "2022-09-05"
    assert ava.addresses.get().address.lines == ["3 Mill Lane"]
    kinds = dict(Relationship.objects.filter(pupil=ava).values_list("person__forename", "kind"))
    assert kinds == {
        "Kim": RelationshipKind.PARENT_WITH_PR,
        "Lou": RelationshipKind.PARENT_WITHOUT_PR,
    }


def test_reimport_changes_nothing_and_a_new_address_adds_history(school):
    _import(HEADER + _row(), school)
    assert _import(HEADER + _row(), school).unchanged == 1
    result = _import(HEADER + _row(line1="9 New Road"), school)
    assert result.changed == 1
    assert PupilAddress.objects.filter(pupil__upn=U1).count() == 2


def test_errors_name_the_line_and_the_column(school):
    text = HEADER + _row() + _row(upn=U2, dob="17/05/2016")
    with pytest.raises(ImportFileError, match=r"Line 3, date_of_birth: '17/05/2016'"):
        _import(text, school)
    assert Pupil.objects.count() == 0


def test_unknown_codes_are_listed(school):
    with pytest.raises(ImportFileError) as error:
        _import(HEADER + _row(ethnicity="ZZZZ"), school)
    assert error.value.unknown_codes == {"ethnicity": {"ZZZZ"}}


def test_a_missing_required_column_is_named(school):
    with pytest.raises(ImportFileError, match=r"required column.*date_of_birth"):
        _import("upn,legal_forename,legal_surname\nR999888825002,A,B\n", school)


def test_text_that_is_not_utf8_is_refused_with_its_line(school):
    with pytest.raises(ImportFileError, match="not UTF-8"):
        import_file(
            kind=ImportKind.CSV,
            stream=io.BytesIO((HEADER + _row()).encode() + b"\xff\xfe,bad\n"),
            file_name="x.csv",
            school=school,
            actor=None,
            dry_run=False,
        )


def test_the_sims_mapping_reads_day_first_dates_and_words(school):
    text = (
        "UPN,Legal Forename,Legal Surname,DOB,Gender,Year,Post Code,Address Line 1,"
        "Contact 1 Forename,Contact 1 Surname,Contact 1 Relationship,"
        "Contact 1 Parental Responsibility,Some Other Column\n"
        f"{U1},Ava,Testchild,17/05/2016,Female,Year 4,ZZ1 1ZZ,3 Mill Lane,Kim,Testchild,Mother,"
        "Yes,ignored\n"
    )
    result = _import(text, school, mapping=available_mappings()["sims"])
    assert result.added == 1
    assert result.ignored_columns == ["Some Other Column"]
    ava = Pupil.objects.get()
    assert (ava.sex, ava.year_group, ava.date_of_birth.isoformat()) == ("F", "4", "2016-05-17")
    assert ava.relationships.get().relationship_code == "PAM"


def test_social_care_status_comes_with_its_date(school):
    head = "upn,legal_forename,legal_surname,date_of_birth,social_care_status,social_care_from\n"
    _import(head + f"{U1},Ava,Testchild,2016-05-17,open,2025-04-01\n", school)
    ava = Pupil.objects.get()
    assert ava.social_care_status == "open"
    assert str(ava.social_care_status_from) == "2025-04-01"
    assert str(ava.statuses.get(kind="social_care_open").started_on) == "2025-04-01"
    result = _import(head + f"{U1},Ava,Testchild,2016-05-17,previous,\n", school)
    assert result.changed == 1
    assert ava.statuses.get(kind="social_care_open").ended_on is not None
    assert ava.statuses.filter(kind="social_care_previous", ended_on__isnull=True).exists()
    with pytest.raises(ImportFileError, match="social_care_status: 'MAYBE'"):
        _import(head + f"{U1},Ava,Testchild,2016-05-17,maybe,\n", school)
