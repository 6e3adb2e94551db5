"""Every URL pattern, every persona, every method: the response each gets, and what it shows.

For each named URL pattern and each persona (tests/access_table.py), the row's request is sent
and the status checked; the body (streamed and file responses included, PDFs decoded) and the
headers are then searched for the world's markers (tests/access_world.py): a persona who must not
see the child never receives one, whatever the status. Views that accept POST as well as GET are
found by introspecting each view's allowed methods and are also sent a POST, with a valid CSRF
token, by every persona; a refused POST changes no row of any table and writes no file.

One world is seeded per module inside a transaction that is rolled back at the end; each test
runs in a savepoint inside it and reuses a signed-in session per persona.
"""

import importlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.middleware import SESSION_LAST_SEEN
from audit.models import AuditEvent
from schools.models import Trust
from schools.reasons import remember_reason
from tests import access_world
from tests.access_table import (
    ASKS_REASON,
    NAME_ONLY,
    NOT_THE_CHILD,
    PERSONAS,
    RECORDER,
    Case,
)
from tests.pdf import pdf_text


def _named_patterns(resolver: URLResolver, namespace: str = "") -> dict[str, Callable[..., Any]]:
    names: dict[str, Callable[..., Any]] = {}
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names.update(_named_patterns(entry, inner))
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {entry.pattern} has no name"
            names[f"{namespace}{entry.name}"] = entry.callback
    return names


def accepted_methods(view: Callable[..., Any]) -> frozenset[str] | None:
    """The HTTP methods `view` accepts, read from the view itself: a class-based view's handler
    methods, or the list given to Django's `require_http_methods` (and so `require_GET` and
    `require_POST`) anywhere in its chain of decorators. None: no restriction, every method."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return frozenset(
            m.upper() for m in view_class.http_method_names if hasattr(view_class, m.lower())
        )
    func: Any = view
    while func is not None:
        code, closure = getattr(func, "__code__", None), getattr(func, "__closure__", None)
        if code is not None and closure:
            cells = dict(zip(code.co_freevars, closure, strict=True))
            if "request_method_list" in cells:
                return frozenset(cells["request_method_list"].cell_contents)
        func = getattr(func, "__wrapped__", None)
    return None


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
VIEWS = _named_patterns(get_resolver())
ALL_NAMES = sorted(VIEWS)


def _takes_get_and_post(name: str) -> bool:
    methods = accepted_methods(VIEWS[name])
    return methods is None or {"GET", "POST"} <= methods


GET_AND_POST = [n for n in ALL_NAMES if n in TABLE and _takes_get_and_post(n)]


# -- The world, once per module -----------------------------------------------------------------


@pytest.fixture(scope="module")
def world(
    django_db_setup, django_db_blocker, tmp_path_factory
) -> Iterator[access_world.AccessWorld]:
    media = tmp_path_factory.mktemp("access-world-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PRIVATE_MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield access_world.build(media)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _private_files(settings, world):
    """The world's files stay where it wrote them (the conftest's fixture of this name gives
    every other test a fresh folder)."""
    settings.PRIVATE_MEDIA_ROOT = world.media_root


def client_for(world: access_world.AccessWorld, persona: str, *, csrf: bool = False) -> Client:
    """A client for `persona`, reusing the session signed in when the world was built; the
    trust's setting and the reasons are set for the trust lead's states (and rolled back with
    the test)."""
    client = Client(enforce_csrf_checks=csrf)
    if persona == "anonymous":
        return client
    signed_in_as = "trust_lead" if persona.startswith("trust_lead") else persona
    key = world.sessions[signed_in_as]
    session = SessionStore(session_key=key)
    session[SESSION_LAST_SEEN] = time.time()
    if persona == "trust_lead_reason":
        # A reason for each of the world's children, and (None) for finding children at all.
        for child in (world.pupil, world.sibling, world.cousin, None):
            remember_reason(
                session,
                pupil_id=child.pk if child else None,
                reason="Advice sought by the school",
            )
    if persona == "trust_lead_other_reason":
        remember_reason(session, pupil_id=world.stranger.pk, reason="Advice about another child")
    session.save()
    if persona in {"trust_lead_no_reason", "trust_lead_other_reason", "trust_lead_reason"}:
        Trust.objects.filter(pk=world.trust.pk).update(trust_lead_child_access=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


# -- What a response shows -----------------------------------------------------------------------


def received(response: HttpResponse) -> str:
    """Everything the persona received: headers (a download's file name), the body whether
    streamed or not, and the text inside a PDF; lower-cased, as names may be shown in capitals."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    text = [str(dict(response.headers.items())), body.decode("utf-8", "replace")]
    if body.startswith(b"%PDF"):
        text.append(pdf_text(body))
    return "\n".join(text).lower()


def forbidden_markers(world: access_world.AccessWorld, persona: str, case: Case) -> dict[str, str]:
    """The markers `persona` must not receive from `case`'s URL."""
    markers = world.markers
    name_ok = persona in NAME_ONLY or persona in case.shows_name_to
    if persona in NOT_THE_CHILD and not name_ok:
        return {**markers.identity, **markers.record, **markers.recorders_own}
    if persona in NOT_THE_CHILD or persona in NAME_ONLY:
        return {**markers.record, **markers.recorders_own}
    if persona in RECORDER:
        return dict(markers.record)
    return {}


def _asked_for_a_reason(world: access_world.AccessWorld, response: HttpResponse) -> bool:
    """A redirect to the page where a trust lead says why: for one of the world's children, or
    (where the project has one) for listing children."""
    if response.status_code != 302:
        return False
    path = response["Location"].split("?", 1)[0]
    pages = {
        reverse("pupils:access_reason", args=[child.pk])
        for child in (world.pupil, world.sibling, world.cousin)
    }
    if "pupils:list_reason" in VIEWS:
        pages.add(reverse("pupils:list_reason"))
    return path in pages


def sent_text(data: dict[str, Any]) -> str:
    """What a request body carried, files' contents included (lower-cased)."""
    parts = []
    for value in data.values():
        for item in value if isinstance(value, list) else [value]:
            if hasattr(item, "read"):
                parts.append(item.read().decode("utf-8", "replace"))
                item.seek(0)
            else:
                parts.append(str(item))
    return "\n".join(parts).lower()


def check(
    world, persona: str, case: Case, expected: int, label: str, response, sent: str = ""
) -> list[str]:
    """What is wrong with `response`: its status, and any marker `persona` must not receive
    (what they sent themselves, echoed back in an error, is theirs already)."""
    problems = []
    if expected == ASKS_REASON:
        if not _asked_for_a_reason(world, response):
            problems.append(
                f"expected to be asked for a reason, got {response.status_code} "
                f"{response.get('Location', '')}"
            )
    elif response.status_code != expected:
        problems.append(f"expected {expected}, got {response.status_code}")
    seen = received(response)
    leaked = sorted(
        tag
        for tag, value in forbidden_markers(world, persona, case).items()
        if value.lower() in seen and value.lower() not in sent
    )
    if leaked:
        problems.append(f"received what it must not see ({response.status_code}): {leaked}")
    return [f"{persona} {label}: {p}" for p in problems]


# -- The table's own completeness ----------------------------------------------------------------


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


def test_views_taking_get_and_post_are_found_by_introspection():
    """The introspection finds the decorated views (not a hand list): a sample of known ones."""
    assert accepted_methods(VIEWS["chronology:pupil"]) == frozenset({"GET"})
    assert accepted_methods(VIEWS["concerns:add_note"]) == frozenset({"POST"})
    for name in ("concerns:decide", "voice:record", "factors:pupil", "accounts:password_reset"):
        assert name in GET_AND_POST
    assert len(GET_AND_POST) >= 30


def test_the_world_holds_every_marker(world, db):
    """Each marker was stored, in a row or a file (a slip in the world would leave the content
    checks looking for something that is nowhere)."""
    from django.db.models import CharField, JSONField, TextField

    stored = []
    for model in apps.get_models():
        for fld in model._meta.get_fields():
            if isinstance(fld, CharField | TextField | JSONField):
                stored += [str(v) for v in model.objects.values_list(fld.name, flat=True)]
    stored += [p.read_bytes().decode("latin-1") for p in world.media_root.rglob("*") if p.is_file()]
    everything = "\n".join(stored).lower()
    markers = world.markers
    all_markers = {**markers.identity, **markers.record, **markers.recorders_own}
    assert len(all_markers) >= 40
    missing = sorted(tag for tag, value in all_markers.items() if value.lower() not in everything)
    assert not missing


# -- GET (or the row's method) -------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_response_for_persona(name, persona, world, db):
    case = TABLE[name]
    client = client_for(world, persona)
    problems = []
    for kwargs, data in case.requests():
        url = reverse(name, kwargs=kwargs(world))
        response = getattr(client, case.method)(url, data=data(world))
        label = f"{case.method.upper()} {url}"
        problems += check(world, persona, case, case.expect[persona], label, response)
    assert not problems, "\n".join(problems)


# Markers no page shows to anyone: how Cairn tells two records of one address apart, and the
# child's words in a police notification (stored, but no page shows them yet).
NEVER_SHOWN = frozenset({"matchkey", "encompassvoice"})


@pytest.mark.parametrize(
    ("persona", "tiers"),
    [("dsl", ("identity", "record", "recorders_own")), ("teacher", ("recorders_own",))],
)
def test_the_markers_reach_those_who_may_see_them(persona, tiers, world, db):
    """The content checks mean something only if the markers are on the pages: the DSL sees
    every one somewhere, the teacher everything of their own concern."""
    client = client_for(world, persona)
    seen = []
    for name in ALL_NAMES:
        case = TABLE[name]
        if case.expect[persona] != 200:
            continue
        for kwargs, data in case.requests():
            url = reverse(name, kwargs=kwargs(world))
            seen.append(received(getattr(client, case.method)(url, data=data(world))))
    everything = "\n".join(seen)
    expected = {t: v for tier in tiers for t, v in getattr(world.markers, tier).items()}
    missing = sorted(t for t, v in expected.items() if v.lower() not in everything)
    assert set(missing) <= NEVER_SHOWN, f"{persona} never sees {missing}"


# -- POST to the views that also take GET --------------------------------------------------------


def _row_counts() -> dict[str, int]:
    tables = sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed}
    )
    quote = connection.ops.quote_name
    # Table names come from the models, not from input.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    sql = f"SELECT {counts}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _audit_about_child(world: access_world.AccessWorld) -> int:
    children = [world.pupil.pk, world.sibling.pk, world.cousin.pk]
    return AuditEvent.objects.filter(pupil_id__in=children).count()


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _refused(persona: str, expected: int, response) -> bool:
    if expected in (403, 404, ASKS_REASON):
        return True
    sign_in = reverse("accounts:sign_in")
    return persona == "anonymous" and response.get("Location", "").startswith(sign_in)


def _with_csrf(client: Client, data: dict[str, Any]) -> dict[str, Any]:
    """A valid CSRF cookie and the masked token for the form, as a browser would send them."""
    secret = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    return {**data, "csrfmiddlewaretoken": _mask_cipher_secret(secret)}


@pytest.mark.parametrize("name", GET_AND_POST)
@pytest.mark.parametrize("persona", PERSONAS)
def test_post_for_persona(name, persona, world, db, caplog):
    case = TABLE[name]
    url = reverse(name, kwargs=case.kwargs(world))
    client = client_for(world, persona, csrf=True)
    data = _with_csrf(client, case.post(world) if case.post else {})
    expected = case.post_expect(persona)
    sent = sent_text(data)
    counts, files = _row_counts(), _files(world.media_root)
    about_child_before = _audit_about_child(world)
    response = client.post(url, data=data)
    label = f"POST {name}"
    refused_by_csrf = [r for r in caplog.records if r.name == "django.security.csrf"]
    assert not refused_by_csrf, f"{label}: the CSRF token was not accepted"
    refused = _refused(persona, expected, response)
    if refused:
        problems = check(world, persona, case, expected, label, response, sent)
    else:
        problems = check(world, persona, case, response.status_code, label, response, sent)
        if response.status_code not in (200, 302, 400):
            problems.append(
                f"{persona} {label}: expected the form back or a redirect, "
                f"got {response.status_code}"
            )
    # Someone who may not see the world's child must not write about the child either, even
    # where the page itself is theirs (another school's DSL naming this child in their form).
    about_child = (
        case.names_child
        or bool(set(case.kwargs(world).values()) & world.child_object_ids)
        or str(world.pupil.pk) in str(data)
    )
    writer = persona == case.post_by or persona in case.writers
    guarded = not writer and (case.only_writers or (persona in NOT_THE_CHILD and about_child))
    if refused or guarded:
        after = _row_counts()
        changed = {t: (counts[t], after[t]) for t in counts if counts[t] != after[t]}
        if not refused and not case.only_writers:
            # Their own page's audit event (what they were shown of their own school) is
            # theirs to write; nothing about the world's child is.
            changed.pop(AuditEvent._meta.db_table, None)
            if _audit_about_child(world) != about_child_before:
                changed["audit events naming the world's child"] = (0, 1)
        if changed:
            what = "was refused but" if refused else "may not write with this POST but"
            problems.append(f"{persona} {label} {what} wrote rows: {changed}")
        if _files(world.media_root) != files:
            problems.append(f"{persona} {label} wrote a file")
    assert not problems, "\n".join(problems)


WITH_PAYLOADS = [n for n in GET_AND_POST if TABLE[n].post is not None]


@pytest.mark.parametrize("name", WITH_PAYLOADS)
def test_the_post_body_writes_when_permitted(name, world, db):
    """Each row's POST body does something when a permitted persona sends it, so the same body
    writing nothing for everyone else is the access check at work, not a form error."""
    case = TABLE[name]
    assert case.post is not None
    client = client_for(world, case.post_by, csrf=True)
    counts = _row_counts()
    response = client.post(
        reverse(name, kwargs=case.kwargs(world)), data=_with_csrf(client, case.post(world))
    )
    form = (getattr(response, "context", None) or {}).get("form")
    assert response.status_code == 302, (
        f"{case.post_by} POST {name}: {response.status_code} {form.errors if form else ''}"
    )
    after = _row_counts()
    assert any(after[t] != counts[t] for t in counts), f"{case.post_by} POST {name} wrote nothing"


def test_the_trust_lead_states_differ_only_in_their_reasons(world, db):
    """The other-reason state holds a reason for another child only; the reason state one for
    each of the world's children (read back from the session each client sends)."""
    from schools.reasons import reasons_in_session

    def reasons(persona: str) -> set[str]:
        client = client_for(world, persona)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        return set(reasons_in_session(SessionStore(session_key=key)))

    children = {str(c.pk) for c in (world.pupil, world.sibling, world.cousin)}
    assert reasons("trust_lead_no_reason") == set()
    assert reasons("trust_lead_other_reason") == {str(world.stranger.pk)}
    assert children < reasons("trust_lead_reason")
    world.trust.refresh_from_db()
    assert world.trust.trust_lead_child_access


def test_a_post_without_the_token_is_refused(world, db, caplog):
    """The token the POST cases send is what gets them past CSRF: without it, Django's CSRF
    check refuses (and logs it, which is how the POST cases tell a CSRF refusal apart)."""
    client = client_for(world, "dsl", csrf=True)
    url = reverse("concerns:decide", kwargs={"concern_id": world.concern.pk})
    assert client.post(url, data={}).status_code == 403
    assert [r for r in caplog.records if r.name == "django.security.csrf"]
    caplog.clear()
    assert client.post(url, data=_with_csrf(client, {})).status_code == 400  # the empty form
    assert not [r for r in caplog.records if r.name == "django.security.csrf"]


@pytest.mark.parametrize(
    ("name", "kwargs", "tag"),
    [
        ("chronology:export", lambda w: {"pupil_id": w.pupil.pk, "fmt": "pdf"}, "facts"),
        ("chronology:export", lambda w: {"pupil_id": w.pupil.pk, "fmt": "csv"}, "facts"),
        ("concerns:attachment", lambda w: {"attachment_id": w.attachment.pk}, "attachbody"),
        ("voice:attachment", lambda w: {"attachment_id": w.voice_attachment.pk}, "voicefilebody"),
    ],
)
def test_downloads_are_read_for_markers(name, kwargs, tag, world, db):
    """Files, streamed responses and PDFs are searched too: the DSL's copy holds the marker."""
    response = client_for(world, "dsl").get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] != "text/html"
    markers = world.markers
    value = {**markers.record, **markers.recorders_own}[tag]
    assert value in received(response)
