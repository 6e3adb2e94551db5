"""Issue 16 (4): the CTF import writes in bulk, a chunk at a time, and writes exactly what it
wrote one child at a time. The figures below were counted with the importer as it was before
the bulk writes (each child audited and saved in turn), for the same generated files; a
batching bug (a row lost or doubled, a contact given the wrong address, an audit event missed)
changes one of them."""

from datetime import date

import pytest
from django.db.models import Count

from audit import rows
from audit.models import AuditEvent
from audit.selectors import audit_chain_verify
from bench.ctf import write_ctf
from pupils import services as pupils_services
from pupils.importers.apply import import_file
from pupils.importers.apply.run import CHUNK_SIZE
from pupils.models import (
    Address,
    Enrolment,
    FormerUPN,
    HouseholdSuggestion,
    ImportKind,
    Person,
    Pupil,
    PupilAddress,
    PupilSourceRecord,
    PupilStatus,
    Relationship,
)
from schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

PUPILS = 900  # more than two chunks, the last one short
TODAY = date(2025, 10, 1)


@pytest.fixture(autouse=True)
def _ctf_versions(settings):
    settings.CAIRN_CTF_VERSIONS = ["25.0", "24.0"]


@pytest.fixture
def files(tmp_path):
    def one(seed):
        return write_ctf(
            tmp_path / f"9984321_CTF_{seed}.xml",
            pupils=PUPILS,
            seed=seed,
            la_code="998",
            establishment_number="4321",
            version="25.0",
        )

    # The same children twice: the second file changes most of what the first said.
    return one(7), one(8)


def ctf_file_import(path, school):
    """Import the CTF at `path` for `school` as a command would (no person; dated TODAY)."""
    with path.open("rb") as stream:
        return import_file(
            kind=ImportKind.CTF,
            stream=stream,
            file_name=path.name,
            school=school,
            actor=None,
            dry_run=False,
            today=TODAY,
        )


def _import(path, school):
    result = ctf_file_import(path, school)
    return result.added, result.changed, result.unchanged


def _counts():
    return {
        "pupils": Pupil.objects.count(),
        "people": Person.objects.count(),
        "people_with_address": Person.objects.filter(address__isnull=False).count(),
        "addresses": Address.objects.count(),
        "pupil_addresses": PupilAddress.objects.count(),
        "relationships": Relationship.objects.count(),
        "lives_with": Relationship.objects.filter(lives_with_pupil=True).count(),
        "pr": Relationship.objects.filter(parental_responsibility=True).count(),
        "enrolments": Enrolment.objects.count(),
        "source_records": PupilSourceRecord.objects.count(),
        "former_upns": FormerUPN.objects.count(),
        "suggestions": HouseholdSuggestion.objects.count(),
        "statuses": dict(
            PupilStatus.objects.values_list("kind").annotate(n=Count("id")).order_by("kind")
        ),
        "audit": dict(
            AuditEvent.objects.values_list("action").annotate(n=Count("id")).order_by("action")
        ),
    }


ADDED = {
    "pupils": 900,
    "people": 1800,
    "people_with_address": 1461,
    "addresses": 900,  # a contact at the pupil's address shares the pupil's address row
    "pupil_addresses": 900,
    "relationships": 1800,
    "lives_with": 1461,
    "pr": 1623,
    "enrolments": 900,
    "source_records": 900,
    "former_upns": 0,
    "suggestions": 220,
    "statuses": {
        "disability": 39,
        "eal": 174,
        "ehc_plan": 17,
        "free_school_meals": 232,
        "looked_after": 15,
        "sen_support": 98,
    },
    "audit": {"household_suggestions_made": 1, "pupil_added_by_import": 900, "pupils_imported": 1},
}
CHANGED = {
    "pupils": 900,
    "people": 3599,
    "people_with_address": 2916,
    "addresses": 1788,
    "pupil_addresses": 1788,
    "relationships": 3600,
    "lives_with": 2916,
    "pr": 3215,
    "enrolments": 900,
    "source_records": 1800,
    "former_upns": 0,
    "suggestions": 394,
    "statuses": {
        "disability": 80,
        "eal": 311,
        "ehc_plan": 46,
        "free_school_meals": 396,
        "looked_after": 17,
        "sen_support": 194,
    },
    "audit": {
        "household_suggestions_made": 2,
        "pupil_added_by_import": 900,
        "pupil_changed_by_import": 900,
        "pupils_imported": 3,
    },
}


def test_a_generated_file_imports_as_it_did_one_child_at_a_time(files):
    assert PUPILS > 2 * CHUNK_SIZE
    school = SchoolFactory(la_code="998", establishment_number="4321")
    first, second = files

    assert _import(first, school) == (900, 0, 0)
    assert _counts() == ADDED

    # Re-importing the same file changes nothing; only the import itself is audited.
    assert _import(first, school) == (0, 0, 900)
    audited = dict(ADDED["audit"])  # type: ignore[call-overload]
    again = {**ADDED, "audit": {**audited, "pupils_imported": 2}}
    assert _counts() == again

    # Every child amended: old addresses and contacts end, new ones start, each child audited.
    assert _import(second, school) == (0, 900, 0)
    assert _counts() == CHANGED

    report = audit_chain_verify()
    assert report.intact
    assert report.events_checked == sum(CHANGED["audit"].values())


def test_each_added_child_is_audited_with_its_own_record(files):
    school = SchoolFactory(la_code="998", establishment_number="4321")
    _import(files[0], school)
    audited = set(
        AuditEvent.objects.filter(action="pupil_added_by_import").values_list("pupil_id", flat=True)
    )
    assert audited == set(Pupil.objects.values_list("pk", flat=True))
    raw = PupilSourceRecord.objects.select_related("pupil").order_by("pupil__upn").first()
    assert raw is not None
    assert raw.raw.startswith("<Pupil><UPN>" + raw.pupil.upn + "</UPN>")


def test_household_suggestions_proposed_a_few_pairs_at_a_time_are_the_same(files, monkeypatch):
    monkeypatch.setattr(pupils_services, "EVIDENCE_BATCH", 7)
    school = SchoolFactory(la_code="998", establishment_number="4321")
    _import(files[0], school)
    assert HouseholdSuggestion.objects.count() == ADDED["suggestions"]
    pairs = HouseholdSuggestion.objects.values_list("pupil_a_id", "pupil_b_id")
    assert all(str(a) < str(b) for a, b in pairs)
    assert AuditEvent.objects.filter(action="household_suggestions_made").count() == 1


def test_an_imports_rows_have_time_ordered_keys_after_those_already_there(
    files, tmp_path, monkeypatch
):
    # ADR 24: a chunk's rows go to the end of every index keyed by them, not all over it.
    clock = [1_764_000_000_000_000_000]
    monkeypatch.setattr(rows, "time_ns", lambda: clock[0])
    school = SchoolFactory(la_code="998", establishment_number="4321")
    _import(files[0], school)
    earlier = set(Pupil.objects.values_list("pk", flat=True))
    clock[0] += 1_000_000  # a millisecond later
    other = write_ctf(
        tmp_path / "9984322_CTF.xml",
        pupils=50,
        seed=9,
        la_code="998",
        establishment_number="4322",
        version="25.0",
    )
    _import(other, SchoolFactory(la_code="998", establishment_number="4322"))
    later = set(Pupil.objects.values_list("pk", flat=True)) - earlier

    for model in (Pupil, Address, Enrolment, PupilStatus, PupilAddress, Person, Relationship):
        assert {key.version for key in model.objects.values_list("pk", flat=True)} == {7}
    assert len(earlier) == PUPILS
    assert len(later) == 50
    assert max(earlier) < min(later)
    assert max(str(key) for key in earlier) < min(str(key) for key in later)
