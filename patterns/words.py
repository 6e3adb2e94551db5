"""Reading words with word lists: the child's own words for the voice-distress themes, and an
adult's account for who explained an injury. Transparent by design: every match returns the
words that matched so the DSL sees them as evidence (no model, no score).

The lists are data (`patterns/data/words.json`, with their sources); a school's DSL may replace
any list in the detector's settings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "words.json"


class WordDataError(ValueError):
    """The word list file is malformed; the message names the key at fault."""


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    themes = data.get("voice_themes")
    if not isinstance(themes, dict) or not themes:
        raise WordDataError(f"{DATA_FILE.name}: 'voice_themes' must be an object")
    for name, theme in themes.items():
        if not isinstance(theme.get("words"), list) or not theme.get("label"):
            raise WordDataError(f"{DATA_FILE.name}: theme '{name}' needs 'label' and 'words'")
    if not isinstance(data.get("parent_account"), list):
        raise WordDataError(f"{DATA_FILE.name}: 'parent_account' must be a list")
    return data


def theme_words(theme: str) -> frozenset[str]:
    """The default words for a voice theme; KeyError names an unknown theme."""
    themes: dict[str, dict[str, Any]] = _data()["voice_themes"]
    if theme not in themes:
        raise KeyError(f"no voice theme '{theme}' in {DATA_FILE.name}")
    return frozenset(themes[theme]["words"])


def theme_label(theme: str) -> str:
    """The theme in words ("being hungry"); the slug itself for a theme the file lacks."""
    themes: dict[str, dict[str, Any]] = _data()["voice_themes"]
    return str(themes.get(theme, {}).get("label", theme))


def parent_account_words() -> frozenset[str]:
    return frozenset(_data()["parent_account"])


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'")))


@cache
def _pattern(phrase: str) -> re.Pattern[str] | None:
    stem = phrase.endswith("*")
    words = _normalise(phrase.rstrip("*"))
    if not words:
        return None
    ending = r"[a-z0-9']*" if stem else ""
    return re.compile(rf"(?<![a-z0-9']){re.escape(words)}{ending}(?![a-z0-9'])")


def matches(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases (as written in the list) found in `text` as whole words, in list order
    sorted; case, punctuation and curly apostrophes ignored."""
    if not text:
        return []
    normal = _normalise(text)
    found = []
    for phrase in sorted(set(phrases)):
        pattern = _pattern(phrase)
        if pattern is not None and pattern.search(normal):
            found.append(phrase)
    return found


def _original_pattern(phrase: str) -> re.Pattern[str] | None:
    """A phrase's pattern over the text as written (case, punctuation and curly apostrophes as
    they are), for marking the words that matched."""
    stem = phrase.endswith("*")
    words = _normalise(phrase.rstrip("*")).split()
    if not words:
        return None
    parts = [re.escape(word).replace("'", "['’]") for word in words]
    ending = r"[a-z0-9'’]*" if stem else ""
    edge = r"a-z0-9'’"
    body = r"[^a-z0-9'’]+".join(parts)
    return re.compile(rf"(?<![{edge}]){body}{ending}(?![{edge}])", re.IGNORECASE)


def marked(text: str, phrases: Iterable[str]) -> list[tuple[str, bool]]:
    """`text` in parts, each with whether it is words that matched one of `phrases`: what the
    finding's page shows with the matched words highlighted."""
    spans: list[tuple[int, int]] = []
    for phrase in sorted(set(phrases)):
        pattern = _original_pattern(phrase)
        if pattern is not None:
            spans.extend(m.span() for m in pattern.finditer(text))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[tuple[str, bool]] = []
    position = 0
    for start, end in merged:
        if start > position:
            parts.append((text[position:start], False))
        parts.append((text[start:end], True))
        position = end
    if position < len(text):
        parts.append((text[position:], False))
    return parts


def theme_labels() -> dict[str, str]:
    """Every voice theme in words, for `sources.words`."""
    themes: dict[str, dict[str, Any]] = _data()["voice_themes"]
    return {name: str(theme["label"]).capitalize() for name, theme in themes.items()}
