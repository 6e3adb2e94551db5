"""Property-based tests: whatever bytes arrive, the parsers give records or a clear error."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pupils.importers.csv import CsvReader, available_mappings
from pupils.importers.ctf import CtfReader
from pupils.importers.records import ImportFileError
from pupils.tests.ctf_files import ctf, pupil_xml

_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _drain(reader) -> list:
    """Every record, or the error; the reader's collected problems raise as the importer does."""
    records = list(reader.records())
    reader.problems.raise_if_any()
    return records


def _assert_clear(error: ImportFileError) -> None:
    text = error.describe()
    assert text.strip(), "an import error must say what is wrong"
    assert all(isinstance(p, str) and p for p in error.problems)


@pytest.fixture(autouse=True)
def _versions(settings):
    settings.CAIRN_CTF_VERSIONS = ["25.0", "24.0"]


@_SETTINGS
@given(st.binary(max_size=3000))
def test_ctf_reader_never_crashes_on_arbitrary_bytes(data):
    try:
        _drain(CtfReader(io.BytesIO(data), file_name="fuzz.xml"))
    except ImportFileError as error:
        _assert_clear(error)


_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)


_FIELDS = ("upn", "surname", "dob", "sex", "ethnicity", "year", "relationship", "pr", "postcode")


@_SETTINGS
@given(st.fixed_dictionaries(dict.fromkeys(_FIELDS, _text)))
def test_ctf_reader_handles_any_values_in_real_elements(fields):
    contact = {
        "forename": "A",
        "surname": fields["surname"],
        "relationship": fields.pop("relationship"),
        "pr": fields.pop("pr"),
    }
    try:
        data = ctf(pupil_xml(**fields, contacts=[contact]))
    except ValueError:
        return  # a character XML cannot carry at all
    problem: ImportFileError | None = None
    records = []
    try:
        records = _drain(CtfReader(io.BytesIO(data), file_name="fuzz.xml"))
    except ImportFileError as error:
        problem = error
    if problem is not None:
        _assert_clear(problem)
        assert "<Pupil> 1" in problem.describe() or "fuzz.xml" in problem.describe()
    else:
        assert len(records) == 1
        assert records[0].upn == fields["upn"].strip().upper()


@_SETTINGS
@given(st.binary(max_size=3000), st.sampled_from(sorted(available_mappings())))
def test_csv_reader_never_crashes_on_arbitrary_bytes(data, mapping):
    try:
        _drain(
            CsvReader(io.BytesIO(data), file_name="fuzz.csv", mapping=available_mappings()[mapping])
        )
    except ImportFileError as error:
        _assert_clear(error)


_HEADER = (
    "upn,legal_forename,legal_surname,date_of_birth,sex,ethnicity,year_group,eal,"
    "contact_1_forename,contact_1_surname,contact_1_relationship,"
    "contact_1_parental_responsibility\n"
)


@_SETTINGS
@given(st.lists(st.lists(_text, min_size=0, max_size=14), max_size=6))
def test_csv_reader_handles_any_cells_under_real_headings(rows):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
    data = (_HEADER + buffer.getvalue()).encode()
    problem: ImportFileError | None = None
    records = []
    try:
        records = _drain(CsvReader(io.BytesIO(data), file_name="fuzz.csv"))
    except ImportFileError as error:
        problem = error
    if problem is not None:
        _assert_clear(problem)
        assert "Line " in problem.describe() or "fuzz.csv" in problem.describe()
    else:
        assert len(records) <= len(rows)
