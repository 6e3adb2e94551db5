"""The shape of each app's URL access table (`<app>/tests/url_access.py`).

Every URL pattern in the project must appear in exactly one app's table, with the response each
persona gets. `tests/test_url_access.py` enumerates the URL patterns and fails on any that is
missing, so a new view cannot arrive without saying who may reach it.

The world (tests/access_world.py): the teacher recorded a concern about the child; the other
teacher did not. The trust lead appears three times: with the trust not allowing its lead to open
child records (`trust_lead`), allowing it but no reason given yet (`trust_lead_no_reason`),
allowing it with a reason given only for another child of the school (`trust_lead_other_reason`:
a reason is for one child, not a key to all), and allowing it with a reason given for each of the
world's children and for finding children (`trust_lead_reason`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "anonymous",
    "teacher",
    "other_teacher",
    "dsl",
    "deputy_dsl",
    "headteacher",
    "governor",
    "trust_lead",
    "trust_lead_no_reason",
    "trust_lead_other_reason",
    "trust_lead_reason",
    "school_admin",
    "attendance_lead",
    "other_school_dsl",
)

SIGNED_IN = PERSONAS[1:]
# The trust lead in a trust that allows child records: one role, three states of the session.
TRUST_LEAD_STATES = ("trust_lead_no_reason", "trust_lead_other_reason", "trust_lead_reason")

# Who must never receive anything about the world's child, on any page or download.
NOT_THE_CHILD = frozenset(
    {
        "anonymous",
        "governor",
        "school_admin",
        "other_school_dsl",
        "trust_lead",
        "trust_lead_no_reason",
        "trust_lead_other_reason",
    }
)
# Staff who may find the child on the roll (name and UPN) but read none of the child's record.
NAME_ONLY = frozenset({"other_teacher", "attendance_lead"})
# The member of staff who recorded the world's concern: that concern, its attachment and the
# action given to them, and nothing else of the child's record.
RECORDER = frozenset({"teacher"})

# A trust lead who has given no reason is sent to the page that asks for one.
ASKS_REASON = 1302


def world_object(world: Any, name: str, build: Callable[[Any], Any]) -> Any:
    """The world's `name`. The access world (tests/access_world.py) seeds every object with its
    markers; the small per-test world of conftest (`world`, used by other tests that read these
    rows) has none, and gets each object built by `build` on first use, once per test."""
    objects = getattr(world, "objects", None)
    if objects is not None:
        return objects[name]
    built = world.__dict__.setdefault("_built", {})
    if name not in built:
        built[name] = build(world)
    return built[name]


def _no_kwargs(world: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Case:
    """What each persona gets from one URL pattern.

    `expect` maps persona to status (ASKS_REASON: a redirect to the reason page for this child).
    `method` is the method the row is read with; views that also take POST are sent one too
    (tests/test_url_access.py finds them by introspection). `post` is a POST body that writes
    something when `post_by` sends it (checked), so that a refused POST writing nothing says
    something; without one, an empty form is sent; someone who may not see the child writes
    nothing about the child with it unless they are `post_by` or among `writers`.
    `post_overrides` are statuses that differ for the POST. `shows_name_to`: personas who may see
    the child's name (not the record) here.
    """

    expect: Mapping[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = _no_kwargs
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = field(default=_no_kwargs)
    post: Callable[[Any], dict[str, Any]] | None = None
    post_by: str = "dsl"
    # Others who may write with this POST though they may not see the child's record.
    writers: frozenset[str] = frozenset()
    # Nobody but `post_by` and `writers` may write with this POST, child or not (a body that
    # names someone else's role, say).
    only_writers: bool = False
    # The body names the world's child in a way the test cannot see (a file's contents).
    names_child: bool = False
    post_overrides: Mapping[str, int] = field(default_factory=dict)
    shows_name_to: frozenset[str] = frozenset()
    # Further (kwargs, data) pairs sent to the same pattern: another export format, say.
    variants: tuple[
        tuple[Callable[[Any], dict[str, Any]], Callable[[Any], dict[str, Any]]], ...
    ] = ()

    def requests(
        self,
    ) -> list[tuple[Callable[[Any], dict[str, Any]], Callable[[Any], dict[str, Any]]]]:
        return [(self.kwargs, self.data), *self.variants]

    def post_expect(self, persona: str) -> int:
        return self.post_overrides.get(persona, self.expect[persona])


def allow(
    *personas: str,
    ok: int = 200,
    denied: int = 403,
    anonymous: int = 302,
    **overrides: int,
) -> dict[str, int]:
    """`ok` for the named personas, `denied` for the other signed-in ones, `anonymous` for
    someone not signed in; `overrides` (persona=status) win over all of these.

    Unless named or overridden, the other teacher gets what the teacher gets, and the trust lead
    of a trust that allows child access (with or without a reason) what the trust lead gets."""
    expect = {p: (ok if p in personas else denied) for p in SIGNED_IN}
    expect["anonymous"] = anonymous
    expect.update(overrides)
    derived = {
        "other_teacher": "teacher",
        "trust_lead_no_reason": "trust_lead",
        "trust_lead_other_reason": "trust_lead_no_reason",
        "trust_lead_reason": "trust_lead",
    }
    for persona, like in derived.items():
        if persona not in personas and persona not in overrides:
            expect[persona] = expect[like]
    return expect


def child_level(expect: Mapping[str, int], *, with_reason: int = 200) -> dict[str, int]:
    """A page about one child: the trust lead of a trust that allows it is asked why first, and
    with a reason for this child gets `with_reason`; where the trust does not allow it, 404 (no
    such child)."""
    return {
        **expect,
        "trust_lead": 404,
        "trust_lead_no_reason": ASKS_REASON,
        "trust_lead_other_reason": ASKS_REASON,
        "trust_lead_reason": with_reason,
    }


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def an_hour_ago() -> tuple[str, str]:
    """The date and time (local) an hour ago, for a POST body's "when it happened": a fixed time
    of day would be in the future when the suite runs before it, and be refused."""
    from datetime import timedelta

    from django.utils import timezone

    moment = timezone.localtime() - timedelta(hours=1)
    return moment.date().isoformat(), moment.strftime("%H:%M")
