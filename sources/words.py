"""Codes in words: the one place where a code from any of Cairn's lists becomes what a person
reads (docs/conventions.md, "Screens speak in words").

Each list is owned by the app that keeps it and named in `settings.CODE_WORDS` (a kind, and the
dotted path of a function returning `{code: words}`): DfE ethnicity codes and year groups
(pupils), roles (schools), concern categories and body regions (concerns), Children in Need
factors (factors), indicators and voice themes (patterns). Pages and exports ask here with the
kind when they know it, or without it for a code from a mixed list; a code no list knows is
still shown as words ("late_collection" becomes "Late collection"), never as the slug.
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def vocabulary(kind: str) -> dict[str, str]:
    """The named list, code -> words; KeyError names a kind no setting lists."""
    lists: dict[str, str] = getattr(settings, "CODE_WORDS", {})
    if kind not in lists:
        raise KeyError(f"no code list '{kind}' in settings.CODE_WORDS")
    return {str(code): str(words) for code, words in import_string(lists[kind])().items()}


def humanise(code: str) -> str:
    """A slug no list knows, as words: separators become spaces, the first letter a capital."""
    words = re.sub(r"[_-]+", " ", code).strip()
    return words[:1].upper() + words[1:] if words else ""


def in_words(code: object, kind: str | None = None) -> str:
    """`code` in words from the list of `kind`, or from the first list that knows it."""
    text = "" if code is None else str(code)
    if not text:
        return ""
    kinds = [kind] if kind else list(getattr(settings, "CODE_WORDS", {}))
    for name in kinds:
        table = vocabulary(name)
        for key in (text, text.upper()):
            if key in table:
                return table[key]
    return humanise(text) if re.fullmatch(r"[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+", text) else text


def from_words(text: str, kind: str) -> str | None:
    """The code of `kind` whose words (or code) `text` is, ignoring case; None if none."""
    wanted = " ".join(text.lower().split())
    for code, words in vocabulary(kind).items():
        if wanted in (code.lower(), " ".join(words.lower().split())):
            return code
    return None


def codes_in_text(text: str) -> str:
    """Free text (a finding's detail, written by a detector) with any slug of a known list in it
    replaced by its words in lower case ("3 signs: neglect_sign, hunger" reads "3 signs: a sign
    of neglect, hunger"). Words already in words are left as they are."""
    known: dict[str, str] = {}
    for kind in getattr(settings, "CODE_WORDS", {}):
        for code, words in vocabulary(kind).items():
            if re.fullmatch(r"[a-z0-9]+(?:[_-][a-z0-9]+)+", code):
                known.setdefault(code, words)

    def swap(match: re.Match[str]) -> str:
        words = known.get(match.group(0))
        if words is None:
            return match.group(0)
        first = words.split(maxsplit=1)[0] if words.strip() else ""
        keep = len(first) > 1 and first.isupper()  # an acronym keeps its capitals
        return words if keep else words[:1].lower() + words[1:]

    return re.sub(r"(?<![\w/.-])[a-z0-9]+(?:[_-][a-z0-9]+)+(?![\w/-])", swap, text)
