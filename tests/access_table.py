"""The shape of each app's URL access table (`<app>/tests/url_access.py`).

Every URL pattern in the project must appear in exactly one app's table, with the response each
persona gets. `tests/test_url_access.py` enumerates the URL patterns and fails on any that is
missing, so a new view cannot arrive without saying who may reach it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "anonymous",
    "teacher",
    "dsl",
    "deputy_dsl",
    "headteacher",
    "governor",
    "trust_lead",
    "school_admin",
    "attendance_lead",
    "other_school_dsl",
)

SIGNED_IN = PERSONAS[1:]


def _no_kwargs(world: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Case:
    expect: Mapping[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = _no_kwargs
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = field(default=_no_kwargs)


def allow(
    *personas: str,
    ok: int = 200,
    denied: int = 403,
    anonymous: int = 302,
    **overrides: int,
) -> dict[str, int]:
    """`ok` for the named personas, `denied` for the other signed-in ones, `anonymous` for
    someone not signed in; `overrides` (persona=status) win over all of these."""
    expect = {p: (ok if p in personas else denied) for p in SIGNED_IN}
    expect["anonymous"] = anonymous
    expect.update(overrides)
    return expect


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)
