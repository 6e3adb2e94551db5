"""The recordable codes: the DfE list without 21, legacy 18A/19A accepted, grouped by whom."""

import pytest
from django.core.exceptions import ValidationError

from factors import codes
from factors.codes import CodeGroup
from factors.reference import cin_factors


def test_the_dfe_list_with_legacy_codes_and_without_21():
    recordable = codes.recordable_codes()
    assert "21" not in recordable
    assert recordable["3B"].description.startswith("Domestic violence: concerns about the child")
    assert recordable["18A"].description == "Physical abuse (legacy code, before 2021)"
    assert recordable["19A"].description == "Sexual abuse (legacy code, before 2021)"
    # Every census code but 21, and the two legacy codes.
    assert len(recordable) == len(cin_factors()) - 1 + 2


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("1A", CodeGroup.CHILD),
        ("1B", CodeGroup.PARENT),
        ("2C", CodeGroup.HOUSEHOLD),
        ("3B", CodeGroup.PARENT),
        ("4B", CodeGroup.PARENT),
        ("6C", CodeGroup.HOUSEHOLD),
        ("7A", CodeGroup.CHILD),
        ("8B", CodeGroup.CHILD),  # privately fostered: B is a kind, not the parent
        ("8F", CodeGroup.CHILD),
        ("16A", CodeGroup.CHILD),
        ("18B", CodeGroup.CHILD),  # physical abuse, child on child: about the child
        ("19C", CodeGroup.CHILD),  # sexual abuse by an adult: about the child
        ("20", CodeGroup.OTHER),
        ("24A", CodeGroup.CHILD),
        ("18A", CodeGroup.LEGACY),
    ],
)
def test_groups_follow_the_letter_only_where_it_names_a_person(code, group):
    assert codes.recordable_codes()[code].group is group


def test_grouped_choices_for_the_form():
    groups = dict(codes.grouped_choices())
    assert list(groups) == [
        "About the child",
        "About the parent(s) or carer(s)",
        "About another person in the household",
        "Other",
        "Older codes (records from before 2021)",
    ]
    parent = dict(groups["About the parent(s) or carer(s)"])
    assert set(parent) == {"1B", "2B", "3B", "4B", "5B", "6B"}
    assert (
        parent["4B"]
        == "4B: Mental health: concerns about the mental health of the parent(s)/carer(s)"
    )
    assert all("21" not in dict(options) for options in groups.values())


@pytest.mark.parametrize("code", ["3B", " 3b ", "18A", "19a", "20", "24A"])
def test_valid_codes_are_tidied(code):
    assert codes.validate_code(code) == code.strip().upper()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Choose the factor."),
        ("21", "21 'No factors identified' is not a factor"),
        ("99Z", "99Z is not a Children in Need assessment factor code."),
        ("3D", "3D is not a Children in Need assessment factor code."),
    ],
)
def test_invalid_codes_are_refused(code, message):
    with pytest.raises(ValidationError, match=message):
        codes.validate_code(code)


def test_an_unknown_code_from_older_data_is_described_as_itself():
    assert codes.describe("4B").startswith("Mental health")
    assert codes.describe("XX") == "XX"
