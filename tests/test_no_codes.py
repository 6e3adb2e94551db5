"""The no-codes test: screens speak in words (docs/conventions.md).

The demo is seeded, every persona signs in, and the pages reachable from the home page are
crawled: each same-site link on a page is followed with GET, breadth first and bounded (a few
pages of each shape of address, so that 600 front sheets do not all have to be opened). The text a
person reads on each page (tags, attributes, scripts and styles taken out) must hold no UUID, no
value of one of Cairn's code lists written as a slug (`deputy_dsl`, `child_on_child_abuse`), no
raw DfE ethnicity code (`MWBC`) and no internal citation marker (`neglect-indicators.md §4`).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from conftest import signed_in_client
from pupils.codes import ethnicity_codes
from schools.demo import PERSONAS
from schools.models import Membership
from schools.reasons import remember_reason

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
MARKERS = re.compile(r"[a-z-]+\.md\b|§\s*\d|\[(?:V|U|P)\s+[A-Za-z]+[^\]]*\]")
PER_SHAPE = 3  # pages opened for each shape of address (UUIDs and numbers taken out)
PER_PERSONA = 150  # pages opened for each persona at most
SKIP = ("/sign-out", "/static/", "/admin/", "/health/", "/hide/")


class _Text(HTMLParser):
    """A page's visible text and its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _slug_codes() -> set[str]:
    """Every value of Cairn's choice lists written as a slug (with `_` or `-`)."""
    codes: set[str] = set()
    for config in apps.get_app_configs():
        if config.name not in settings.LOCAL_APPS:
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                for value, _label in getattr(field, "flatchoices", None) or []:
                    if isinstance(value, str) and re.fullmatch(
                        r"[a-z0-9]+(?:[_-][a-z0-9]+)+", value
                    ):
                        codes.add(value)
    # The code lists kept as data: concern categories, indicators, voice themes, factors.
    from concerns.models import Category
    from patterns import indicators, words
    from patterns.registry import all_detectors

    codes |= set(Category.objects.values_list("code", flat=True))
    data = indicators._data()
    codes |= set(data["categories"]) | {s for v in data["categories"].values() for s in v}
    codes |= {s for g in data["groups"].values() for s in g["indicators"]}
    codes |= set(words._data()["voice_themes"])
    codes |= {entry.slug for entry in all_detectors()}
    return {code for code in codes if re.fullmatch(r"[a-z0-9]+(?:[_-][a-z0-9]+)+", code)}


_COUNTED = (
    "concern|injury|record|action|finding|child|day|week|sign|adult|entry|pupil|decision|mark"
)
_PLURALS = {"injury": "injuries", "child": "children", "entry": "entries"}
_ONE_MANY = re.compile(
    rf"(?<![\d.,/-])\b1 ({'|'.join(_PLURALS.get(w, w + 's') for w in _COUNTED.split('|'))})\b"
)
_MANY_ONE = re.compile(rf"(?<![\d.,/-])\b(?:[02-9]|[1-9]\d+) ({_COUNTED})\b(?![\w'’-])")


def problems_in(text: str, slugs: set[str], ethnicity: set[str]) -> list[str]:
    """What in `text` (the words a person reads) is a code rather than words, or a count whose
    noun is not plural when it should be ("2 injury", "1 concerns")."""
    found = [f"a UUID ({m.group(0)})" for m in UUID.finditer(text)]
    found += [f"a wrong plural ({m.group(0)})" for m in _ONE_MANY.finditer(text)]
    found += [f"a wrong plural ({m.group(0)})" for m in _MANY_ONE.finditer(text)]
    found += [f"a citation marker ({m.group(0)})" for m in MARKERS.finditer(text)]
    for token in set(re.findall(r"[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+", text)):
        if token in slugs:
            found.append(f"a code ({token})")
    for token in set(re.findall(r"\b[A-Z]{4}\b", text)):
        if token in ethnicity:
            found.append(f"an ethnicity code ({token})")
    return found


def _shape(path: str) -> str:
    path = UUID.sub("{id}", path)
    return re.sub(r"\d+", "{n}", path)


def _crawl(
    client: Client, slugs: set[str], ethnicity: set[str]
) -> tuple[dict[str, list[str]], int]:
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = deque(["/"])
    problems: dict[str, list[str]] = {}
    opened = 0
    while queue and opened < PER_PERSONA:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        shape = _shape(path) + ("?" if "?" in url else "")
        if shapes[shape] >= PER_SHAPE or path.startswith(SKIP):
            continue
        shapes[shape] += 1
        response = client.get(url)
        opened += 1
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        text = " ".join(parser.parts)
        found = problems_in(text, slugs, ethnicity)
        if found:
            problems[url] = sorted(set(found))
        for link in parser.links:
            href = urldefrag(link)[0]
            if href.startswith("/") and not href.startswith("//") and href not in seen:
                queue.append(href)
    return problems, opened


def test_problems_in_finds_each_kind_of_code():
    found = problems_in(
        "Role deputy_dsl; ethnicity MWBC; 0b7a6c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b; "
        "neglect-indicators.md §4 [V NSPCC]; Deputy designated safeguarding lead",
        {"deputy_dsl"},
        {"MWBC"},
    )
    assert "a code (deputy_dsl)" in found
    assert "an ethnicity code (MWBC)" in found
    assert "a UUID (0b7a6c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b)" in found
    assert any(f.startswith("a citation marker (neglect-indicators.md") for f in found)
    assert "a citation marker ([V NSPCC])" in found
    plurals = problems_in(
        "2 injury; 1 concerns; 1 injury; 12 days; 2 records; 1.5 day", set(), set()
    )
    assert plurals == ["a wrong plural (1 concerns)", "a wrong plural (2 injury)"]
    assert (
        problems_in("Mixed White and Black Caribbean, UPN A123456789012", {"x_y"}, {"MWBC"}) == []
    )


@pytest.mark.django_db(transaction=True)
def test_no_page_of_the_demo_shows_a_code_to_any_persona(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--force")
    slugs = _slug_codes()
    assert {"deputy_dsl", "child_on_child_abuse"} <= slugs
    ethnicity = set(ethnicity_codes())
    report: list[str] = []
    total = 0
    for persona in PERSONAS:
        membership = Membership.objects.get(user__email=persona.email)
        client = signed_in_client(membership)
        if persona.school_key is None:
            session = client.session
            remember_reason(session, pupil_id=None, reason="Checking the demo")
            session.save()
        problems, opened = _crawl(client, slugs, ethnicity)
        total += opened
        assert opened > 1, persona.key
        report += [f"{persona.key} {url}: {'; '.join(found)}" for url, found in problems.items()]
    assert total > 100
    assert not report, "\n".join(report)
