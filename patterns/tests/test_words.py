"""The word lists: read as whole words, with the file checked and its errors named."""

import json

import pytest

from patterns import words
from patterns.words import WordDataError, matches, theme_label, theme_words


def test_whole_words_any_case_curly_apostrophes_and_stems():
    assert matches("I’m SCARED of him", ["scared"]) == ["scared"]
    assert matches("scaredy-cat", ["scared"]) == []
    assert matches("I didn’t eat", ["didn't eat", "hungry"]) == ["didn't eat"]
    assert matches("he hurts me", ["hurt*"]) == ["hurt*"]
    assert matches("", ["hungry"]) == []
    assert matches("hungry", ["", "!!"]) == []  # a phrase with no words matches nothing


def test_themes_and_their_labels():
    assert "hungry" in theme_words("hunger")
    assert theme_label("alone") == "being left alone"
    assert theme_label("unknown") == "unknown"
    with pytest.raises(KeyError, match="no voice theme 'unknown'"):
        theme_words("unknown")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"voice_themes": {}}, "'voice_themes' must be an object"),
        ({"voice_themes": {"hunger": {"words": []}}}, "theme 'hunger' needs 'label' and 'words'"),
        ({"voice_themes": {"hunger": {"label": "x", "words": []}}}, "'parent_account' must be"),
    ],
)
def test_a_malformed_file_names_the_key(tmp_path, monkeypatch, data, message):
    path = tmp_path / "words.json"
    path.write_text(json.dumps(data))
    monkeypatch.setattr(words, "DATA_FILE", path)
    words._data.cache_clear()
    try:
        with pytest.raises(WordDataError, match=message):
            words._data()
    finally:
        words._data.cache_clear()


def test_marking_the_words_that_matched_in_the_text_as_written():
    from patterns.words import marked

    assert marked("I was on my own, on MY  own!", ["on my", "my own", "!!"]) == [
        ("I was ", False),
        ("on my own", True),
        (", ", False),
        ("on MY  own", True),
        ("!", False),
    ]
    assert marked("he hurts me", ["hurt*"]) == [("he ", False), ("hurts", True), (" me", False)]
    assert marked("I didn’t eat", ["didn't eat"]) == [("I ", False), ("didn’t eat", True)]
    assert marked("Hungry again", ["hungry"]) == [("Hungry", True), (" again", False)]
    assert marked("", ["hungry"]) == []
