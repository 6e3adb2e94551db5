"""ADR 25: on PostgreSQL each chunk's new rows are copied on a writer thread while the next
chunk is read, with the pupil tables' foreign keys checked as each COPY ends. The import stays
all or nothing: a chunk the database refuses, whether written here or on the thread, leaves
nothing of the file, the refusal names the chunk, and the trail's chain stays whole."""

from uuid import uuid4

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit import rows
from audit.models import AuditAction, AuditEvent
from audit.selectors import audit_chain_verify
from bench.ctf import write_ctf
from pupils.importers.apply.run import CHUNK_SIZE
from pupils.importers.apply.writer import _Writer
from pupils.importers.records import ImportFileError
from pupils.models import (
    FormerUPN,
    ImportBatch,
    ImportStatus,
    Person,
    Pupil,
    Relationship,
)
from pupils.tests.test_ctf_bulk import ctf_file_import
from schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

PUPILS = 900  # three chunks: the second is refused while the first is stored
only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite writes in this process, without a thread"
)


@pytest.fixture(autouse=True)
def _ctf_versions(settings):
    settings.CAIRN_CTF_VERSIONS = ["25.0", "24.0"]


@pytest.fixture
def ctf(tmp_path):
    return write_ctf(
        tmp_path / "9984321_CTF_7.xml",
        pupils=PUPILS,
        seed=7,
        la_code="998",
        establishment_number="4321",
        version="25.0",
    )


@pytest.fixture
def school():
    return SchoolFactory(la_code="998", establishment_number="4321")


def _nothing_written():
    assert Pupil.objects.count() == 0
    assert Person.objects.count() == 0
    assert Relationship.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.PUPIL_ADDED_BY_IMPORT).exists()
    report = audit_chain_verify()
    assert report.intact


def _second_chunk(record):
    return f"<Pupil> {CHUNK_SIZE + 5} " in record.location


def test_a_chunk_refused_midway_leaves_nothing_of_the_file(ctf, school, monkeypatch):
    # A child of the second chunk given the UPN of a child the first chunk wrote: the
    # database refuses the second chunk (on PostgreSQL, on the writer thread).
    create = _Writer._create
    first: list[str] = []

    def clashing(self, record):
        pupil = create(self, record)
        first.append(pupil.upn)
        if _second_chunk(record):
            pupil.upn = first[0]
        return pupil

    monkeypatch.setattr(_Writer, "_create", clashing)
    with pytest.raises(ImportFileError) as refused:
        ctf_file_import(ctf, school)
    (problem,) = refused.value.problems
    assert problem.startswith(
        f"<Pupil> {CHUNK_SIZE + 1} (UPN {first[CHUNK_SIZE]}) to <Pupil> {2 * CHUNK_SIZE} "
        f"(UPN {first[2 * CHUNK_SIZE - 1]}): the database refused them ("
    )
    assert "upn" in problem
    _nothing_written()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED
    assert AuditEvent.objects.filter(action=AuditAction.PUPILS_IMPORT_REFUSED).count() == 1


@only_postgresql
def test_a_row_whose_key_points_nowhere_is_refused_with_its_chunk(ctf, school, monkeypatch):
    # The foreign keys are checked as each COPY ends: a contact of the second chunk tied to a
    # person who does not exist is refused there, not at commit, and nothing is written.
    add = _Writer._add_relationship

    def dangling(self, **fields):
        if fields["pupil"].upn == self._second_upn:
            fields["person"] = Person(pk=uuid4())
        add(self, **fields)

    apply = _Writer.apply

    def remember(self, record):
        if _second_chunk(record):
            self._second_upn = record.upn
        return apply(self, record)

    monkeypatch.setattr(_Writer, "_second_upn", None, raising=False)
    monkeypatch.setattr(_Writer, "_add_relationship", dangling)
    monkeypatch.setattr(_Writer, "apply", remember)
    with pytest.raises(ImportFileError) as refused:
        ctf_file_import(ctf, school)
    (problem,) = refused.value.problems
    assert problem.startswith(f"<Pupil> {CHUNK_SIZE + 1} ")
    assert "pupils_relationship" in problem
    assert "foreign key" in problem
    _nothing_written()


@only_postgresql
def test_an_error_on_the_writer_thread_rolls_back_the_whole_file(ctf, school, monkeypatch):
    # A COPY the server cannot read, sent with the second chunk: not a refused row but a
    # database error, raised in the importer; the whole file rolls back.
    send = rows.CopyThread.send
    sent: list[str] = []

    def garbled(self, *, what=""):
        sent.append(what)
        if len(sent) == 2:
            self.add(f"COPY {Pupil._meta.db_table} (upn) FROM STDIN", b"too\tmany\tcolumns\n")
        send(self, what=what)

    monkeypatch.setattr(rows.CopyThread, "send", garbled)
    with pytest.raises(DatabaseError) as failed:
        ctf_file_import(ctf, school)
    assert "extra data" in str(failed.value)
    assert len(sent) == 2  # the import stopped at the next chunk
    _nothing_written()


@only_postgresql
def test_the_foreign_keys_are_deferred_again_once_the_file_is_written(ctf, school):
    ctf_file_import(ctf, school)
    assert Pupil.objects.count() == PUPILS
    with transaction.atomic(), connection.cursor() as cursor:
        # Deferred, as Django made the key: a former UPN of no child is refused at commit, not
        # now. (The test's transaction never commits.)
        cursor.execute(
            f"INSERT INTO {FormerUPN._meta.db_table} (pupil_id, upn, recorded_at) "  # noqa: S608
            "VALUES (%s, 'Z999999999999', now())",
            [uuid4()],
        )
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
