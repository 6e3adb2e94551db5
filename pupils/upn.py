"""Unique Pupil Numbers: format and check letter.

Format: 13 characters, a letter then 12 digits (permanent) or a letter, 11 digits and a letter
(temporary) — DfE CIN census XSD 2024 [V] (Cairn domain reference, ctf.md §"Importer rules").
Structure and check letter: check letter + LA (3) + establishment (4) + year (2) + serial (3);
the check letter is the weighted sum of characters 2–13 (weights 2..13) modulo 23, read off
the alphabet without I, O and S — DfE UPN guidance, tagged [U] in ctf.md. Because the check
letter rule is unverified there, enforcing it is a setting (CAIRN_UPN_CHECK_LETTER, on by
default) that a school can turn off without a code release.
"""

import re

from django.conf import settings

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
_FORMAT = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


def _char_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    # A letter in position 13 (temporary UPN) counts as its place in the check alphabet.
    index = CHECK_ALPHABET.find(char)
    if index < 0:
        raise ValueError(f"{char!r} cannot appear in a UPN")
    return index


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it."""
    if len(body) != 12:
        raise ValueError("A UPN has 12 characters after its check letter")
    total = sum(_char_value(char) * weight for char, weight in zip(body, range(2, 14), strict=True))
    return CHECK_ALPHABET[total % 23]


def upn_problem(upn: str) -> str | None:
    """None for a valid UPN, otherwise a sentence saying what is wrong with it."""
    if len(upn) != 13:
        return f"UPN {upn!r} has {len(upn)} characters; a UPN has 13."
    if not _FORMAT.match(upn):
        return (
            f"UPN {upn!r} is not in the DfE format: a capital letter, 11 digits, then a digit "
            "(or a letter for a temporary UPN)."
        )
    if getattr(settings, "CAIRN_UPN_CHECK_LETTER", True):
        try:
            expected = upn_check_letter(upn[1:])
        except ValueError as error:
            return f"UPN {upn!r}: {error}."
        if upn[0] != expected:
            return f"UPN {upn!r} has check letter {upn[0]}, but its digits give {expected}."
    return None


def upn_make(*, la_code: str, establishment_number: str, year: int, serial: int) -> str:
    """A permanent UPN for a school, year of allocation and serial, with its check letter."""
    body = f"{la_code:0>3}{establishment_number:0>4}{year % 100:02d}{serial:03d}"
    return upn_check_letter(body) + body
