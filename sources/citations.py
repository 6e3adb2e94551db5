"""Sources in plain words, Cairn's one references table. The detectors' docstrings cite the
Cairn domain reference by file and section with evidence tags
(`national-reviews.md §1 [V SecEd]`), which is what a developer checks; a DSL reads the
publisher and the title instead. `plain()` turns the one into the other for the screen,
`sources()` lists the works cited in full, `plain_source()` does the same for a setting's
source, and `guidance_reference()` writes the references in the guidance shown to staff (the
concern categories) without internal markers, at the current edition of Keeping children safe
in education.

The mapping is deliberately small and explicit: each work the domain reference draws on, the
short name used in a sentence, and the full citation. Every app reads it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Work:
    short: str  # as cited inside a sentence
    full: str  # publisher and title, as in a reading list


# The edition of the statutory guidance Cairn's guidance is checked against.
KCSIE_YEAR = 2025

WORKS = {
    "SecEd": Work(
        "SecEd",
        "Elizabeth Rose, “Serious case reviews: safeguarding trends and crucial lessons for "
        "schools”, SecEd, summarising the Department for Education’s “Learning for the future: "
        "final analysis of serious case reviews, 2017 to 2019”",
    ),
    "SCIE": Work(
        "SCIE",
        "Social Care Institute for Excellence, “Serious case reviews, 2020 analysis: neglect”",
    ),
    "NSPCC": Work("NSPCC", "NSPCC, “Neglect: signs, symptoms and effects”"),
    "NICE": Work(
        "NICE CG89",
        "NICE, “Child maltreatment: when to suspect maltreatment in under 18s” (clinical "
        "guideline CG89)",
    ),
    "KCSIE": Work(
        f"Keeping children safe in education {KCSIE_YEAR}",
        f"Department for Education, “Keeping children safe in education {KCSIE_YEAR}”",
    ),
    "CIN": Work(
        "the children in need census",
        "Department for Education, “Children in need census” guide and code lists",
    ),
    "Portsmouth": Work(
        "Portsmouth Safeguarding Children Partnership",
        "Portsmouth Safeguarding Children Partnership, “Voice of the child”",
    ),
    "Norfolk": Work(
        "Norfolk County Council",
        "Norfolk County Council, “Serious case reviews: key themes and practice implications”",
    ),
    "EES": Work(
        "DfE absence statistics",
        "Department for Education, “Pupil absence in schools in England”, methodology",
    ),
    "regs": Work(
        "the pupil registration regulations",
        "The School Attendance (Pupil Registration) (England) Regulations 2024",
    ),
    "attendance": Work(
        "DfE attendance guidance",
        "Department for Education, “Working together to improve school attendance”",
    ),
    "WT": Work(
        "Working together to safeguard children",
        "HM Government, “Working together to safeguard children”",
    ),
}

# Words in an evidence tag that name a work.
_TAG_WORDS = (
    ("SecEd", "SecEd"),
    ("SCIE", "SCIE"),
    ("NSPCC", "NSPCC"),
    ("CG89", "NICE"),
    ("NICE", "NICE"),
    ("Portsmouth", "Portsmouth"),
    ("Norfolk", "Norfolk"),
    ("EES", "EES"),
    ("regs", "regs"),
    ("regulations", "regs"),
    ("reg ", "regs"),
    ("KCSIE", "KCSIE"),
)


def _file_work(name: str, section: str) -> str:
    """The work a section of the domain reference mostly draws on, when no tag names one."""
    number = section.split(".", maxsplit=1)[0]
    if name == "national-reviews.md":
        return {"2": "SCIE", "3": "WT"}.get(number, "SecEd")
    if name == "neglect-indicators.md":
        return "NICE" if number in ("1", "2", "3") else "NSPCC"
    if name == "cin-codes.md":
        return "CIN"
    if name == "attendance.md":
        return {"3": "EES", "4": "regs"}.get(number, "attendance")
    return "KCSIE"  # records-and-access.md and anything else


_TOKEN = re.compile(
    r"(?P<file>[a-z-]+\.md)(?:\s*§(?P<fsec>[\d.]+)(?:\s*[-–]\s*§?[\d.]+)?)?"
    r"|\s*\[(?P<tag>[^\]]*)\]"
    r"|§(?P<sec>[\d.]+)(?:\s*[-–]\s*§?[\d.]+)?"
)


def _tag_works(tag: str) -> list[str]:
    found: list[str] = []
    for word, key in _TAG_WORDS:
        if word in tag and key not in found:
            found.append(key)
    return found


def _parse(text: str) -> tuple[str, list[list[str]]]:
    """The text with each reference replaced by a placeholder, and each placeholder's works."""
    out: list[str] = []
    works: list[list[str]] = []
    last_file = ""
    position = 0
    tagged: set[int] = set()  # placeholders a tag has already named the work of
    for match in _TOKEN.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        if match.group("tag") is not None:
            named = _tag_works(match.group("tag"))
            last = len(works) - 1
            if named and last not in tagged and works and _qualifies("".join(out), last):
                works[-1] = named  # the tag names the work the reference before it cites
                tagged.add(last)
            elif named:  # a tag on its own: cite the work in brackets
                out.append(f" (\x00{len(works)}\x00)")
                tagged.add(len(works))
                works.append(named)
            continue
        if match.group("file"):
            last_file = match.group("file")
            section = match.group("fsec") or ""
        else:
            section = match.group("sec")
        out.append(f"\x00{len(works)}\x00")
        works.append([_file_work(last_file, section)])
    out.append(text[position:])
    return "".join(out), works


def _qualifies(so_far: str, index: int) -> bool:
    """Whether a tag read now qualifies placeholder `index`: it follows it within the same
    clause (a quotation between them, as in `§4 "Practical tasks" [V SecEd]`, but no `;`)."""
    between = so_far.rsplit(f"\x00{index}\x00", 1)[-1]
    return ";" not in between and len(between) <= 80


def plain(text: str) -> str:
    """`text` with its domain-reference citations as a reader cites them: the file, section and
    evidence tags become the publisher's name ("national-reviews.md §1 [V SecEd]" → "SecEd")."""
    marked, works = _parse(text)

    def name(match: re.Match[str]) -> str:
        return "; ".join(WORKS[key].short for key in works[int(match.group(1))])

    result = re.sub(r"\x00(\d+)\x00", name, marked)
    # "SecEd and SecEd", "NSPCC; NSPCC": one mention.
    result = re.sub(r"\b([A-Z][\w ]*?)(?: and |; |, )\1\b", r"\1", result)
    result = re.sub(r"\s+([,;.)])", r"\1", result)
    return re.sub(r"\s{2,}", " ", result).strip()


def sources(*texts: str) -> list[str]:
    """The works the texts cite, in full (publisher and title), in the order first cited."""
    keys: list[str] = []
    for text in texts:
        for named in _parse(text)[1]:
            keys.extend(key for key in named if key not in keys)
    return [WORKS[key].full for key in keys]


def plain_source(text: str) -> str:
    """A setting's source for the settings page: Cairn's own data files and design notes named
    in words, the domain reference as in `plain()`."""
    text = re.sub(r"patterns/data/indicators\.json group", "Cairn’s indicator list", text)
    text = re.sub(r"patterns/data/words\.json", "Cairn’s word list", text)
    text = re.sub(r"issue \d+", "Cairn’s brief", text)
    return plain(text)


_EVIDENCE_TAG = re.compile(r"\s*\[(?:V|U|P)\b[^\]]*\]")
_DOMAIN_NOTE = re.compile(r"\s*\(Cairn domain reference[^)]*\)")
_FILE_SECTION = re.compile(r"\s*\(?[a-z-]+\.md(?:\s*§[\d.]+(?:\s*[-–]\s*§?[\d.]+)?)?\)?")
_KCSIE = re.compile(r"\bKCSIE(?:\s+\d{4})?")


def guidance_reference(text: str) -> str:
    """A reference written for developers (`KCSIE 2024, Part one, "Abuse and neglect" [U wording]
    (Cairn domain reference, records-and-access.md §3)`) as staff read it: the guidance named in
    full at its current edition, without evidence tags, file names or section signs."""
    text = _DOMAIN_NOTE.sub("", text)
    text = _EVIDENCE_TAG.sub("", text)
    text = _FILE_SECTION.sub("", text)
    text = re.sub(r"\s*\(\s*\)", "", text)
    text = re.sub(r"§\s*([\d.]*\d)", r"section \1", text)
    text = _KCSIE.sub(WORKS["KCSIE"].short + " (Department for Education)", text, count=1)
    text = _KCSIE.sub(WORKS["KCSIE"].short, text)
    text = re.sub(r"\s+([,;.)])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()
