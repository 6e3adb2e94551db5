"""The indicator mapping is data; malformed data fails loudly."""

import json

import pytest

from patterns import indicators


def test_mapping_from_categories_and_cin_codes():
    assert indicators.indicators_for(["hunger", "NEG", "unknown"]) == {"hunger", "neglect"}
    assert indicators.indicator_for_cin(" 3b ") == "domestic_abuse_household"
    assert indicators.indicator_for_cin("99Z") is None
    assert "hunger" in indicators.group("low_level_neglect")
    assert "NSPCC" in indicators.group_source("low_level_neglect")
    with pytest.raises(KeyError, match="no indicator group 'nope'"):
        indicators.group("nope")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"categories": {}, "cin_factors": {}}, "'groups' must be an object"),
        (
            {"categories": {}, "cin_factors": {}, "groups": {"g": {"indicators": []}}},
            "group 'g' needs 'indicators'",
        ),
    ],
)
def test_malformed_mapping_is_refused(tmp_path, monkeypatch, data, message):
    path = tmp_path / "indicators.json"
    path.write_text(json.dumps(data))
    monkeypatch.setattr(indicators, "DATA_FILE", path)
    indicators._data.cache_clear()
    try:
        with pytest.raises(indicators.IndicatorDataError, match=message):
            indicators.group("g")
    finally:
        monkeypatch.undo()
        indicators._data.cache_clear()


@pytest.mark.parametrize(
    ("description", "kind"),
    [
        ("Give a food bank voucher and a winter coat", "practical"),
        ("Home visit with the family support worker; bring a new uniform", "parenting"),
        ("Ask mum to see her GP", "adult_support"),
        ("Logging off the laptop", None),  # 'gp' only as a whole word
        ("ELSA sessions weekly", "child_support"),
        ("Chase the MASH referral", "multi_agency"),
        ("", None),
    ],
)
def test_action_kind_from_the_words_of_the_description(description, kind):
    assert indicators.action_kind_for(description) == kind


def test_the_concerns_apps_categories_are_mapped():
    import csv
    from pathlib import Path

    path = Path(indicators.__file__).resolve().parent.parent / "concerns/data/categories.csv"
    with path.open(encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    mapping = indicators._data()["categories"]
    assert [code for code in codes if code not in mapping] == []
    assert indicators.indicators_for(["neglect"]) <= indicators.group("low_level_neglect") | {
        "neglect"
    }
