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
