"""Every URL pattern, every persona: the response each gets (allowed, redirected, 403 or 404)."""

import importlib

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import signed_in_client
from tests.access_table import PERSONAS, Case


def _named_patterns(resolver: URLResolver, namespace: str = "") -> list[str]:
    names = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names.extend(_named_patterns(entry, inner))
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {entry.pattern} has no name"
            names.append(f"{namespace}{entry.name}")
    return names


def _table() -> dict[str, Case]:
    table: dict[str, Case] = {}
    for app in settings.LOCAL_APPS:
        try:
            module = importlib.import_module(f"{app}.tests.url_access")
        except ModuleNotFoundError:
            continue
        for name, case in module.CASES.items():
            assert name not in table, f"{name} is in more than one access table"
            table[name] = case
    return table


TABLE = _table()
ALL_NAMES = sorted(set(_named_patterns(get_resolver())))


def test_every_url_pattern_has_an_access_row():
    missing = [name for name in ALL_NAMES if name not in TABLE]
    assert not missing, (
        f"URL patterns without a row in an app's tests/url_access.py: {missing}. "
        "Add each, saying what every persona gets."
    )
    stale = [name for name in TABLE if name not in ALL_NAMES]
    assert not stale, f"Access table rows for URLs that no longer exist: {stale}"


def test_every_row_covers_every_persona():
    for name, case in TABLE.items():
        assert set(case.expect) == set(PERSONAS), f"{name} does not say what every persona gets"


@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_response_for_persona(name, persona, request, world):
    case = TABLE[name]
    url = reverse(name, kwargs=case.kwargs(world))
    if persona == "anonymous":
        from django.test import Client

        client = Client()
    else:
        client = signed_in_client(request.getfixturevalue(persona))
    response = getattr(client, case.method)(url, data=case.data(world))
    assert response.status_code == case.expect[persona], (
        f"{persona} {case.method.upper()} {url}: expected {case.expect[persona]}, "
        f"got {response.status_code}"
    )
