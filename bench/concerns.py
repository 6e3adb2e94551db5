"""Benchmark fixtures for concerns and the chronology, for the lead's bench harness.

    pupil_id, dsl_email = make_chronology_fixture(entries=1000)
    GET /chronology/<pupil_id>/ signed in as dsl_email        -> "open a 1,000-entry chronology"

    pupil_id, teacher_email = make_recording_fixture()
    method, path, body, headers = concern_post(pupil_id=pupil_id, session_cookie=cookie)
    POST it (expect 302)                                       -> "record a concern"

Django must be set up by the caller. The chronology is written through Cairn's own history
importer (one transaction), so it holds real concerns, decisions and behaviour incidents.
"""

import json
import random
import string
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlencode
from uuid import UUID

if TYPE_CHECKING:
    from pupils.models import Pupil
    from schools.models import Membership, School

BENCH_URN = "969001"
_PASSWORD = "bench-password-not-for-use"
_CSRF = "".join(random.Random(1).choices(string.ascii_letters + string.digits, k=32))


def _school_and_staff() -> tuple["School", "Membership", "Membership"]:
    from accounts.models import User
    from schools.models import Membership, Phase, Role, School

    school, _ = School.objects.get_or_create(
        urn=BENCH_URN,
        defaults={
            "la_code": "969",
            "establishment_number": "2001",
            "name": "Bench Chronology School",
            "phase": Phase.PRIMARY,
        },
    )
    members = []
    for local, role in (("dsl", Role.DSL), ("teacher", Role.STAFF)):
        email = f"{local}@chronology.bench.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=_PASSWORD, full_name=local.title()
            )
        membership, _ = Membership.objects.get_or_create(
            user=user, school=school, role=role, is_active=True
        )
        members.append(membership)
    return school, members[0], members[1]


def _new_pupil(school: "School", serial: int) -> "Pupil":
    from pupils.models import Enrolment, Pupil
    from pupils.upn import upn_make

    pupil = Pupil.objects.create(
        upn=upn_make(
            la_code="969",
            establishment_number="2001",
            year=10 + serial // 1000,
            serial=serial % 1000,
        ),
        legal_forename="Bench",
        legal_surname=f"Child{serial}",
        date_of_birth="2016-01-01",
        year_group="4",
    )
    from django.utils import timezone

    Enrolment.objects.create(
        pupil=pupil, school=school, start_date=timezone.localdate() - timedelta(days=3 * 365)
    )
    return pupil


def make_chronology_fixture(*, entries: int) -> tuple[UUID, str]:
    """A child with about `entries` chronology entries (concerns, decisions, behaviour) over
    three years; returns the child's id and the email of a DSL who may read it."""
    from django.utils import timezone

    from concerns.importers.history import import_history
    from pupils.models import Pupil

    school, dsl, _teacher = _school_and_staff()
    serial = Pupil.objects.filter(enrolments__school=school).count() + 1
    pupil = _new_pupil(school, serial)
    rng = random.Random(serial)
    now = timezone.now()
    lines: list[str] = []
    concern_refs: list[str] = []
    for n in range(entries):
        moment = now - timedelta(days=3 * 365 * (entries - n) / max(entries, 1), hours=1)
        base = {
            "upn": pupil.upn,
            "occurred_at": moment.isoformat(),
            "author": {"name": rng.choice(["A. Teacher", "B. Assistant"]), "role": "Staff"},
        }
        roll = rng.random()
        if concern_refs and roll < 0.3:
            ref = concern_refs.pop()
            record = {
                **base,
                "kind": "decision",
                "concern_ref": ref,
                "outcome": rng.choice(["nfa", "early_help", "social_care"]),
                "text": "Considered with the earlier concerns; decision and reasons recorded.",
                "author": {"name": "D. Lead", "role": "DSL"},
            }
        elif roll < 0.45:
            record = {
                **base,
                "kind": "behaviour",
                "incident_type": "Disruption in class",
                "text": "Shouting and throwing equipment after lunch.",
                "source_ref": f"bench-{serial}-b{n}",
            }
        else:
            ref = f"bench-{serial}-c{n}"
            concern_refs.append(ref)
            record = {
                **base,
                "kind": "concern",
                "text": "Came in hungry and tired, without a coat; said there was no breakfast.",
                "child_words": "There wasn't any food.",
                "categories": ["neglect"],
                "source_ref": ref,
            }
        lines.append(json.dumps(record))
    import_history(
        actor=dsl,
        lines=((i, json.loads(line)) for i, line in enumerate(lines, start=1)),
        source_system="bench",
    )
    return pupil.pk, dsl.user.email


def make_recording_fixture() -> tuple[UUID, str]:
    """A child on roll and the email of a member of staff who may record a concern about them."""
    from pupils.models import Pupil

    school, _dsl, teacher = _school_and_staff()
    serial = Pupil.objects.filter(enrolments__school=school).count() + 1
    pupil = _new_pupil(school, serial)
    return pupil.pk, teacher.user.email


@cache
def _neglect_category_id() -> str:
    """Looked up once, so that preparing each request costs the benchmark client nothing."""
    from concerns.models import Category
    from concerns.services import categories_ensure
    from schools.models import School

    school = School.objects.get(urn=BENCH_URN)
    categories_ensure(school=school)
    return str(Category.objects.get(school=school, code="neglect").pk)


def concern_payload(*, pupil_id: UUID, index: int = 0) -> dict[str, str]:
    """The form a member of staff submits to record a concern (no JavaScript needed)."""
    from django.utils import timezone

    moment = timezone.localtime() - timedelta(hours=1)
    return {
        "child_1": str(pupil_id),
        "part_1": "subject",
        "occurred_on": moment.date().isoformat(),
        "occurred_time": moment.strftime("%H:%M"),
        "location": "Classroom",
        "facts": f"Benchmark concern {index}: arrived without a coat and said he was hungry.",
        "child_words": "There wasn't any breakfast.",
        "categories": _neglect_category_id(),
        "marks_json": json.dumps(
            [{"side": "front", "region": "left_arm", "x": 80, "y": 30, "description": "Bruise"}]
        ),
    }


def concern_post(
    *, pupil_id: UUID, session_cookie: str, index: int = 0
) -> tuple[str, str, bytes, dict[str, str]]:
    """(method, path, body, headers) for `bench.server.load`: the POST that records a concern.

    Carries a CSRF cookie and the matching token, as a browser would; expect a 302.
    """
    fields = {**concern_payload(pupil_id=pupil_id, index=index), "csrfmiddlewaretoken": _CSRF}
    headers = {
        "Host": "127.0.0.1",
        "Cookie": f"{session_cookie}; csrftoken={_CSRF}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": "http://127.0.0.1/concerns/new/",
    }
    return "POST", "/concerns/new/", urlencode(fields).encode(), headers
