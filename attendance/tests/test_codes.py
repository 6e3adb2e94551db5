"""Every statutory code's treatment, checked against the domain reference's CSV table."""

import csv
import os
from datetime import date

import pytest
from django.conf import settings

from attendance.codes import (
    CODES_CSV,
    NO_MARK,
    CodeMap,
    Treatment,
    UnknownCodeError,
    code_table,
    default_mappings,
)

ROWS = list(csv.DictReader(CODES_CSV.open(encoding="utf-8")))
EXPECTED = {
    "present": Treatment.PRESENT,
    "present (approved educational activity)": Treatment.AEA,
    "authorised absence": Treatment.AUTHORISED,
    "unauthorised absence": Treatment.UNAUTHORISED,
}


def test_the_copied_table_is_the_domain_reference_unchanged():
    """The shared domain references sit beside the project (`../shared/domain/`). A checkout
    without them skips this comparison, except in CI, where a missing reference is a failure."""
    shared = settings.BASE_DIR.parent / "shared" / "domain" / "attendance_codes_2024.csv"
    if not shared.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"The domain reference {shared} is missing; CI must compare against it.")
        pytest.skip(f"the domain reference is not beside this checkout ({shared})")
    assert CODES_CSV.read_text(encoding="utf-8") == shared.read_text(encoding="utf-8")


@pytest.mark.parametrize("row", ROWS, ids=[r["code"] for r in ROWS])
def test_each_code_has_the_tables_treatment(row):
    code = code_table().get(row["code"])
    assert code is not None
    treatment = row["statistical_treatment"].strip().lower()
    if row["regulation_2024_category"] == "retired":
        assert code.retired
        assert code.retired_on == date(2024, 8, 19)
        assert not code.usable_on(date(2024, 8, 19))
        assert code.usable_on(date(2024, 8, 18))
        return
    expected = Treatment.NOT_COUNTED if treatment.startswith("not counted") else EXPECTED[treatment]
    assert code.treatment == expected
    assert code.treatment_on(date(2025, 1, 6)) == expected
    counts = row["counts_in_possible_sessions"] == "yes"
    assert code.counts_in_possible is counts
    # A code counts in possible sessions exactly when its treatment is not "not counted".
    assert code.possible_on(date(2025, 1, 6)) is counts


def test_the_treatment_groups_match_the_domain_reference():
    by: dict = {}
    for code in code_table().by_code.values():
        if not code.retired:
            by.setdefault(code.treatment, set()).add(code.code)
    assert by[Treatment.PRESENT] == {"/", "\\", "L"}
    assert by[Treatment.AEA] == {"K", "V", "P", "W", "B"}
    assert by[Treatment.AUTHORISED] == {"C1", "M", "J1", "S", "C2", "C", "T", "R", "I", "E"}
    assert by[Treatment.UNAUTHORISED] == {"G", "N", "O", "U"}
    assert by[Treatment.NOT_COUNTED] == {"D", "X", "Q", "Z", "#"} | {f"Y{n}" for n in range(1, 8)}


def test_retired_codes_keep_their_dated_treatment():
    table = code_table()
    assert table.by_code["J"].treatment_on(date(2023, 5, 1)) == Treatment.AEA
    assert table.by_code["H"].treatment_on(date(2023, 5, 1)) == Treatment.AUTHORISED
    assert table.by_code["Y"].treatment_on(date(2023, 5, 1)) == Treatment.NOT_COUNTED


def test_unverified_retired_treatment_is_a_setting(settings):
    settings.CAIRN_ATTENDANCE_RETIRED_TREATMENTS = {"H": "unauthorised"}
    code_table.cache_clear()
    try:
        assert code_table().by_code["H"].treatment_on(date(2023, 5, 1)) == Treatment.UNAUTHORISED
    finally:
        settings.CAIRN_ATTENDANCE_RETIRED_TREATMENTS = {}
        code_table.cache_clear()


def test_storage_characters_are_one_per_code_and_never_the_no_mark():
    table = code_table()
    chars = [c.storage_char for c in table.by_code.values()]
    assert len(chars) == len(set(chars)) == len(ROWS)
    assert all(len(c) == 1 for c in chars)
    assert NO_MARK not in chars


def test_tokenising_never_assumes_one_character_is_one_code():
    codes = CodeMap.build()
    assert codes.tokenise("/\\C1C2J1Y7IN-L") == [
        "/",
        "\\",
        "C1",
        "C2",
        "J1",
        "Y7",
        "I",
        "N",
        "-",
        "L",
    ]
    assert codes.tokenise("/ \\ I01 X01 C") == ["/", "\\", "I01", "X01", "C"]
    assert codes.tokenise("/\\/\\/\\/\\/\\") == list("/\\/\\/\\/\\/\\")
    with pytest.raises(UnknownCodeError) as caught:
        codes.tokenise("/\\A/\\")
    assert caught.value.token == "A"


def code_of(codes, raw):
    code = codes.resolve(raw)
    assert code is not None
    return code.code


def test_vendor_equivalents_map_to_statutory_codes():
    codes = CodeMap.build()
    assert code_of(codes, "<") == "C1"
    assert code_of(codes, ">") == "C2"
    assert code_of(codes, "I01") == "I"
    assert code_of(codes, "X01") == "X"
    assert codes.resolve(NO_MARK) is None


def test_vendor_single_characters_can_be_switched_off(settings):
    settings.CAIRN_ATTENDANCE_VENDOR_SINGLE_CHARACTERS = False
    assert ">" not in default_mappings()
    assert "I01" in default_mappings()
    with pytest.raises(UnknownCodeError):
        CodeMap.build().resolve(">")


def test_a_schools_own_mapping_wins():
    codes = CodeMap.build({"I01": "M", "ZZ9": "O"})
    assert code_of(codes, "I01") == "M"
    assert code_of(codes, "ZZ9") == "O"
