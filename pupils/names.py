"""Finding a child by name the way people type names: forgiving case, accents, punctuation and
a slip of a letter or two ("Murpy" finds Murphy, "oconnor" finds O'Connor, "Zoe" finds Zoë).

The matching is done here in Python over the names of the children the viewer may see (a
school's roll is hundreds, not millions), so SQLite and PostgreSQL give the same answer. It is
transparent: a name matches a typed word when, after folding both (`fold`), the name starts with
the word, contains it, or is within a small edit distance of it (`allowed_slips`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """Lower case, accents taken off, and everything but letters and digits dropped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def allowed_slips(word: str) -> int:
    """How many letters a typed word may have wrong: none below 4 letters, one up to 7, two from
    8 (so "Ali" does not find "Amy", but "Murpy" finds "Murphy")."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Edits (a letter added, dropped, changed, or two swapped) from `a` to `b`; any answer over
    `limit` is given as `limit + 1`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def word_score(word: str, names: Iterable[str]) -> int | None:
    """How well a folded typed word matches the best of a child's folded names: 0 a name starts
    with it, 1 contains it, 2 + slips within the allowance; None: no match."""
    best: int | None = None
    slips = allowed_slips(word)
    for name in names:
        if not name:
            continue
        if name.startswith(word):
            return 0
        if word in name:
            score = 1
        else:
            # Compare with the whole name and with its start as long as the word ("Murp" of
            # "Murphy" typed as "Murpy").
            edits = min(
                distance(word, name, slips),
                distance(word, name[: len(word)], slips) if len(name) > len(word) else slips + 1,
            )
            if edits > slips:
                continue
            score = 2 + edits
        best = score if best is None else min(best, score)
    return best


def match_score(text: str, names: Iterable[str]) -> int | None:
    """The score of a typed search (one or more words) against a child's names: every word must
    match some name; the sum of the words' scores, lower is better. None: no match."""
    folded_names = [fold(name) for name in names]  # "Van der Berg" folds to "vanderberg"
    total = 0
    words = [fold(word) for word in text.split()]
    words = [word for word in words if word]
    if not words:
        return None
    for word in words:
        score = word_score(word, folded_names)
        if score is None:
            return None
        total += score
    return total
