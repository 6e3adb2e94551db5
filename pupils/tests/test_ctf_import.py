"""The CTF importer: the synthetic example, idempotency, history, all-or-nothing, hostile XML."""

import io

import pytest
import time_machine
from django.db.models import Model

from audit.models import AuditAction, AuditEvent
from pupils.importers.apply import Outcome, import_file
from pupils.importers.records import ImportFileError
from pupils.models import (
    Address,
    Enrolment,
    FormerUPN,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Person,
    Pupil,
    PupilAddress,
    PupilSourceRecord,
    PupilStatus,
    Relationship,
    RelationshipKind,
    SenStatus,
    StatusKind,
)
from pupils.tests.ctf_files import EXAMPLE, ctf, pupil_xml

pytestmark = pytest.mark.django_db

_TABLES: list[type[Model]] = [
    Pupil,
    FormerUPN,
    Enrolment,
    PupilStatus,
    Address,
    PupilAddress,
    Person,
    Relationship,
    PupilSourceRecord,
]


def _snapshot() -> dict[str, list[str]]:
    return {
        model.__name__: sorted(repr(row) for row in model.objects.values_list())
        for model in _TABLES
    }


def _import(data: bytes, school, *, dry_run=False, actor=None, name="test.xml"):
    return import_file(
        kind=ImportKind.CTF,
        stream=io.BytesIO(data),
        file_name=name,
        school=school,
        actor=actor,
        dry_run=dry_run,
    )


U1, U2, U3 = "R999888825002", "F999888825003", "F999999925001"


@time_machine.travel("2025-10-01 09:00 +01:00", tick=False)
def test_the_synthetic_example_imports_every_field_it_carries(receiving_school):
    result = _import(EXAMPLE.read_bytes(), receiving_school, name=EXAMPLE.name)
    assert (result.added, result.changed, result.unchanged) == (1, 0, 0)
    pupil = Pupil.objects.get(upn="F999999925001")
    assert (pupil.legal_forename, pupil.legal_surname) == ("ALEX", "EXAMPLE")
    assert (pupil.preferred_forename, pupil.middle_names) == ("Ali", "Jo")
    assert (pupil.ethnicity, pupil.year_group, pupil.sex) == ("WBRI", "7", "F")
    assert pupil.sen_status == SenStatus.SEN_SUPPORT
    assert pupil.free_school_meals is True
    assert pupil.looked_after is False
    assert pupil.disability is False
    assert pupil.eal is False
    assert list(pupil.former_upns.values_list("upn", flat=True)) == ["P999888824017"]
    statuses = {s.kind: s.started_on for s in pupil.statuses.all()}
    assert str(statuses[StatusKind.FREE_SCHOOL_MEALS]) == "2022-01-10"
    assert str(statuses[StatusKind.SEN_SUPPORT]) == "2023-09-05"
    enrolment = pupil.enrolments.get()
    assert enrolment.school == receiving_school
    assert str(enrolment.start_date) == "2025-09-15"  # the file's date
    address = pupil.addresses.get().address
    assert (address.paon, address.street, address.postcode) == ("1", "Fictional Road", "ZZ99 9ZZ")
    mother = pupil.relationships.get()
    assert mother.kind == RelationshipKind.PARENT_WITH_PR
    assert mother.relationship_code == "PAM"
    assert mother.lives_with_pupil
    assert mother.contact_priority == 1
    assert mother.person.address == address
    assert mother.person.phones == [{"type": "M", "number": "00000 000001"}]
    raw = pupil.source_records.get()
    assert raw.file_name == EXAMPLE.name
    assert "<UPN>F999999925001</UPN>" in raw.raw
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert AuditAction.PUPIL_ADDED_BY_IMPORT in actions
    assert AuditAction.PUPILS_IMPORTED in actions
    assert ImportBatch.objects.get().status == ImportStatus.IMPORTED


def test_reimporting_the_same_file_changes_nothing(receiving_school):
    data = ctf(pupil_xml(upn=U1), pupil_xml(upn=U2, forename="BEN"))
    _import(data, receiving_school)
    before = _snapshot()
    result = _import(data, receiving_school)
    assert (result.added, result.changed, result.unchanged) == (0, 0, 2)
    assert _snapshot() == before


def test_a_second_file_with_a_new_address_adds_to_the_history(receiving_school):
    _import(ctf(pupil_xml(upn=U1)), receiving_school)
    later = ctf(
        pupil_xml(upn=U1, paon="22", street="Other Street", postcode="ZZ98 1ZZ"),
        when="2026-02-01T09:00:00",
    )
    result = _import(later, receiving_school)
    assert result.changed == 1
    assert "moved" in result.sample[0].changes[0]
    history = list(PupilAddress.objects.order_by("from_date"))
    assert len(history) == 2
    assert str(history[0].to_date) == "2026-02-01"
    assert str(history[1].from_date) == "2026-02-01"
    assert history[1].to_date is None
    assert history[1].address.paon == "22"


def test_contacts_leaving_and_changing_are_dated_history(receiving_school):
    both = [
        {
            "forename": "Sam",
            "surname": "EXAMPLE",
            "relationship": "PAM",
            "pr": "true",
            "as_pupil": "true",
        },
        {
            "forename": "Lee",
            "surname": "EXAMPLE",
            "relationship": "PAF",
            "pr": "true",
            "as_pupil": "true",
        },
    ]
    _import(ctf(pupil_xml(upn=U1, contacts=both)), receiving_school)
    only_mother = ctf(pupil_xml(upn=U1, contacts=both[:1]), when="2026-01-05T10:00:00")
    result = _import(only_mother, receiving_school)
    assert result.sample[0].changes == ("contact ended: Lee EXAMPLE",)
    father = Relationship.objects.get(person__forename="Lee")
    assert str(father.valid_to) == "2026-01-05"


def test_a_pupil_is_matched_by_a_former_upn_and_keeps_the_old_one(receiving_school):
    _import(ctf(pupil_xml(upn=U1)), receiving_school)
    _import(ctf(pupil_xml(upn=U2, former_upn=U1)), receiving_school)
    pupil = Pupil.objects.get()
    assert pupil.upn == U2
    assert list(pupil.former_upns.values_list("upn", flat=True)) == [U1]


def test_an_import_failing_on_its_last_pupil_leaves_the_database_as_it_was(receiving_school):
    _import(ctf(pupil_xml(upn=U1)), receiving_school)
    before = _snapshot()
    bad_last = ctf(
        pupil_xml(upn=U1, paon="5"),  # would change an address
        pupil_xml(upn=U2, forename="BEN"),  # would add a child
        pupil_xml(upn=U3, ethnicity="ZZZZ"),  # an unknown code: the whole file is refused
    )
    with pytest.raises(ImportFileError) as error:
        _import(bad_last, receiving_school)
    assert _snapshot() == before
    assert "Ethnicity" in str(error.value)
    assert "ZZZZ" in str(error.value)
    assert "<Pupil> 3" in str(error.value)
    refused = ImportBatch.objects.get(status=ImportStatus.FAILED)
    assert any("ZZZZ" in p for p in refused.summary["problems"])
    assert AuditEvent.objects.filter(action=AuditAction.PUPILS_IMPORT_REFUSED).count() == 1


def test_a_dry_run_lists_what_would_change_and_changes_nothing(receiving_school):
    _import(ctf(pupil_xml(upn=U1)), receiving_school)
    before = _snapshot()
    heard: list[Outcome] = []
    result = import_file(
        kind=ImportKind.CTF,
        stream=io.BytesIO(ctf(pupil_xml(upn=U1, year="8"), pupil_xml(upn=U2))),
        file_name="x.xml",
        school=receiving_school,
        actor=None,
        dry_run=True,
        on_outcome=heard.append,
    )
    assert [(o.upn, o.status) for o in heard] == [(U1, "changed"), (U2, "added")]
    assert heard[0].changes == ("year group: 7 → 8",)
    assert (result.added, result.changed) == (1, 1)
    assert _snapshot() == before
    assert AuditEvent.objects.filter(action=AuditAction.PUPILS_IMPORT_PREVIEWED).exists()


def test_unknown_codes_are_all_listed_never_guessed(receiving_school):
    data = ctf(
        pupil_xml(upn=U1, ethnicity="WXYZ"),
        pupil_xml(
            upn=U2,
            contacts=[{"forename": "A", "surname": "B", "relationship": "QQQ", "pr": "true"}],
        ),
    )
    with pytest.raises(ImportFileError) as error:
        _import(data, receiving_school)
    assert error.value.unknown_codes == {"Ethnicity": {"WXYZ"}, "Relationship": {"QQQ"}}
    assert "not guessed" in error.value.describe()
    assert Pupil.objects.count() == 0


def test_older_ctf_versions_outside_the_window_are_refused(receiving_school):
    with pytest.raises(
        ImportFileError, match=r"CTFversion> is '23.0'; Cairn accepts 25.0 and 24.0"
    ):
        _import(ctf(pupil_xml(upn=U1), version="23.0"), receiving_school)


def test_the_previous_version_is_accepted(receiving_school):
    assert _import(ctf(pupil_xml(upn=U1), version="24.0"), receiving_school).added == 1


def test_a_ctf_for_another_school_is_refused(school):
    with pytest.raises(ImportFileError, match="DestSchool> is 999/8888"):
        _import(ctf(pupil_xml(upn=U1)), school)


def test_dates_must_be_iso(receiving_school):
    with pytest.raises(
        ImportFileError, match=r"<Pupil> 1 \(UPN R999888825002\), <DOB>: '02/03/2014'"
    ):
        _import(ctf(pupil_xml(upn=U1, dob="02/03/2014")), receiving_school)


def test_a_bad_upn_check_letter_is_named(receiving_school):
    with pytest.raises(ImportFileError, match="check letter A"):
        _import(ctf(pupil_xml(upn="A999888825002")), receiving_school)


def test_namespaces_and_a_byte_order_mark_are_tolerated(receiving_school):
    data = ctf(pupil_xml(upn=U1)).replace(b"<CTfile>", b'<CTfile xmlns="urn:example:ctf">')
    assert _import(b"\xef\xbb\xbf" + data, receiving_school).added == 1


def test_gender_is_read_where_older_files_use_it(receiving_school):
    data = ctf(pupil_xml(upn=U1, sex="M")).replace(b"<Sex>M</Sex>", b"<Gender>M</Gender>")
    _import(data, receiving_school)
    assert Pupil.objects.get().sex == "M"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CTfile><Header><CTFversion>25.0</CTFversion></Header><CTFpupilData><Pupil><UPN>&lol9;</UPN>
</Pupil></CTFpupilData></CTfile>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CTfile><Header><CTFversion>25.0</CTFversion></Header><CTFpupilData><Pupil>
<UPN>R999888825002</UPN><Surname>&secret;</Surname></Pupil></CTFpupilData></CTfile>"""

DTD_ONLY = b"""<?xml version="1.0"?><!DOCTYPE CTfile SYSTEM "http://example.invalid/ctf.dtd">
<CTfile><Header><CTFversion>25.0</CTFversion></Header></CTfile>"""


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY, DTD_ONLY])
def test_hostile_xml_is_refused_without_expansion(receiving_school, hostile):
    with pytest.raises(ImportFileError, match="refused — the XML declares a DTD") as error:
        _import(hostile, receiving_school)
    assert "lollol" not in str(error.value)
    assert "root:" not in str(error.value)
    assert Pupil.objects.count() == 0


def test_oversized_files_are_refused_as_they_are_read(receiving_school, settings):
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "ctf": 2048}
    data = ctf(*(pupil_xml(upn=u) for u in (U1, U2, U3)))
    assert len(data) > 2048
    with pytest.raises(ImportFileError, match="accepts a common transfer file of up to 2,048"):
        _import(data, receiving_school)
    assert Pupil.objects.count() == 0


def test_malformed_xml_names_the_line(receiving_school):
    with pytest.raises(ImportFileError, match=r"not well-formed XML at line 2"):
        _import(b"<CTfile>\n<Header><oops></Header></CTfile>", receiving_school)


def test_a_child_twice_in_one_file_is_refused(receiving_school):
    with pytest.raises(ImportFileError, match="a file holds each child once"):
        _import(ctf(pupil_xml(upn=U1), pupil_xml(upn=U1, forename="TWIN")), receiving_school)
    assert Pupil.objects.count() == 0


def test_chunks_of_a_large_file_all_arrive(receiving_school, monkeypatch):
    from pupils.importers import apply
    from pupils.upn import upn_make

    monkeypatch.setattr(apply.run, "CHUNK_SIZE", 3)
    upns = [
        upn_make(la_code="999", establishment_number="8888", year=24, serial=n) for n in range(8)
    ]
    assert _import(ctf(*(pupil_xml(upn=u) for u in upns)), receiving_school).added == 8
    assert Relationship.objects.count() == 8
    assert set(Pupil.objects.values_list("upn", flat=True)) == set(upns)
