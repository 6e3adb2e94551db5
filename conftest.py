"""Personas shared by every test. Each docstring states what that persona may reach."""

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from accounts.middleware import SESSION_LAST_SEEN, SESSION_TWO_FACTOR_OK
from pupils.models import Pupil
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from schools.middleware import SESSION_MEMBERSHIP
from schools.models import Membership, Role, School, Trust
from schools.tests.factories import MembershipFactory, SchoolFactory, TrustFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by browser
# tests' own set-up are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that need it say so (accounts/tests/test_passwords)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_gathering_wait(settings):
    """Tests run tasks one after another in one process; the worker's gathering wait between
    runs of a task is tested on its own (background/tests/test_coalesce.py)."""
    settings.CAIRN_TASKS_GATHER_SECONDS = 0


def pytest_configure(config: pytest.Config) -> None:
    """On PostgreSQL the audit table refuses TRUNCATE (audit migration 0003), and Django's test
    runner empties tables with TRUNCATE between transactional tests. The runner connects as a
    superuser, which may switch triggers off for its own session: only for the flush."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: DatabaseOperations, sql_list: list[str]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")

    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign,assignment]


@pytest.fixture
def trust(db) -> Trust:
    return TrustFactory(name="Oakfield Learning Trust", trust_lead_child_access=False)


@pytest.fixture
def school(trust) -> School:
    """The school most tests happen at."""
    return SchoolFactory(trust=trust, name="Oakfield Primary")


@pytest.fixture
def other_school(trust) -> School:
    """Another school of the same trust."""
    return SchoolFactory(trust=trust, name="Oakfield Secondary")


@pytest.fixture
def unrelated_school(db) -> School:
    """A school in a different trust altogether."""
    return SchoolFactory(name="Elsewhere Academy")


def _member(school: School | None, role: Role, email: str, trust: Trust | None = None):
    return MembershipFactory(
        school=school, trust=trust, role=role, user__email=email, user__full_name=email
    )


@pytest.fixture
def dsl(school) -> Membership:
    """Designated safeguarding lead: everything about children at `school`."""
    return _member(school, Role.DSL, "dsl@oakfield.example")


@pytest.fixture
def deputy_dsl(school) -> Membership:
    """Deputy DSL: as the DSL, at `school`."""
    return _member(school, Role.DEPUTY_DSL, "deputy@oakfield.example")


@pytest.fixture
def teacher(school) -> Membership:
    """Member of staff at `school`: records concerns, sees only what they recorded."""
    return _member(school, Role.STAFF, "teacher@oakfield.example")


@pytest.fixture
def other_teacher(school) -> Membership:
    """Another member of staff at `school`, who recorded nothing of what a test records."""
    return _member(school, Role.STAFF, "teacher2@oakfield.example")


@pytest.fixture
def headteacher(school) -> Membership:
    """Headteacher: reads everything at `school`."""
    return _member(school, Role.HEADTEACHER, "head@oakfield.example")


@pytest.fixture
def governor(school) -> Membership:
    """Governor: aggregates for `school` only; never a child-level page."""
    return _member(school, Role.GOVERNOR, "governor@oakfield.example")


@pytest.fixture
def school_admin(school) -> Membership:
    """School administrator: staff accounts and settings at `school`; no child records."""
    return _member(school, Role.SCHOOL_ADMIN, "admin@oakfield.example")


@pytest.fixture
def attendance_lead(school) -> Membership:
    """Attendance lead at `school`: the attendance cohort lists, summary, register imports and code
    equivalents, and any child's attendance panel at `school` (audited); otherwise as a member of
    staff: records concerns and sees only what they recorded. No front sheet, chronology,
    findings or other people's concerns."""
    return _member(school, Role.ATTENDANCE_LEAD, "attendance@oakfield.example")


@pytest.fixture
def trust_lead(trust) -> Membership:
    """Trust safeguarding lead: aggregates across `trust`; child records only where the trust
    allows it (it does not, unless a test turns `trust.trust_lead_child_access` on)."""
    return _member(None, Role.TRUST_LEAD, "lead@oakfield.example", trust=trust)


def _trust_lead_allowed(trust_lead: Membership) -> Membership:
    assert trust_lead.trust is not None
    trust_lead.trust.trust_lead_child_access = True
    trust_lead.trust.save(update_fields=["trust_lead_child_access"])
    return trust_lead


@pytest.fixture
def trust_lead_no_reason(trust_lead) -> Membership:
    """The trust lead, where the trust lets its lead open child records once they say why."""
    return _trust_lead_allowed(trust_lead)


@pytest.fixture
def trust_lead_other_reason(trust_lead) -> Membership:
    """As `trust_lead_no_reason`; the reason (for another child) is given on the client, as
    tests/test_url_access.py does."""
    return _trust_lead_allowed(trust_lead)


@pytest.fixture
def trust_lead_reason(trust_lead) -> Membership:
    """As `trust_lead_no_reason`; the reason is given on the client (`with_access_reason`)."""
    return _trust_lead_allowed(trust_lead)


@pytest.fixture
def other_school_dsl(unrelated_school) -> Membership:
    """DSL at a school of another trust: must see nothing of `school`."""
    return _member(unrelated_school, Role.DSL, "dsl@elsewhere.example")


@pytest.fixture
def pupil(school) -> Pupil:
    """A child on the roll of `school`."""
    child = PupilFactory(legal_forename="Ava", legal_surname="Testchild")
    EnrolmentFactory(pupil=child, school=school)
    return child


def signed_in_client(membership: Membership, client: Client | None = None) -> Client:
    """A client signed in as `membership`'s user, with two-factor done and that role chosen."""
    client = client or Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_TWO_FACTOR_OK] = True
    session[SESSION_MEMBERSHIP] = str(membership.pk)
    import time

    session[SESSION_LAST_SEEN] = time.time()
    session.save()
    return client


def with_access_reason(client: Client, *pupils: Pupil, reason: str = "Advice sought") -> Client:
    """The trust lead signed in on `client` has given a reason to open these children's records
    (schools.reasons), as if through the page that asks."""
    from schools.reasons import remember_reason

    session = client.session
    for child in pupils:
        remember_reason(session, pupil_id=child.pk, reason=reason)
    session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[Membership], Client]:
    return signed_in_client


@dataclass
class World:
    """A small world for tests that read the access table's rows one at a time; the rows build
    what else they need in it (`tests.access_table.world_object`). The access table itself runs
    in the seeded world of tests/access_world.py."""

    school: School
    pupil: Pupil
    dsl: Membership
    teacher: Membership
    other_school_dsl: Membership
    school_admin: Membership


@pytest.fixture
def world(school, pupil, dsl, teacher, other_school_dsl, school_admin) -> World:
    return World(
        school=school,
        pupil=pupil,
        dsl=dsl,
        teacher=teacher,
        other_school_dsl=other_school_dsl,
        school_admin=school_admin,
    )


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path_factory):
    """Each test's uploaded files and attendance Parquet copies go to throwaway folders, never
    the working tree's var/."""
    settings.CAIRN_ATTENDANCE_STORE_DIR = tmp_path_factory.mktemp("attendance-store")
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private-media")


@pytest.fixture(autouse=True)
def _fresh_analytics_copy():
    """Each test starts with an empty analytics copy: a test's records are rolled back after
    it, which a real database never does to committed, append-only records (analytics/store.py).
    """
    from analytics import store

    store.reset()
    yield
    store.reset()


@pytest.fixture(autouse=True)
def _no_kept_front_sheets():
    """Each test starts with no front sheet kept from another (pupils/sheet_cache.py): a test's
    records, audit trail included, are rolled back after it, so the next may reach the same
    audit event number with other records."""
    from pupils import sheet_cache

    sheet_cache.forget_all()
    yield
    sheet_cache.forget_all()


# -- The URL access table's size, printed at the end of every run (tests/test_url_access.py) ----

_ACCESS_TABLE_TESTS = {
    "test_response_for_persona": "GET (or the row's own method)",
    "test_post_for_persona": "POST to views that also take GET",
}
_access_cases: Counter[tuple[str, str]] = Counter()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    path, _, test = report.nodeid.partition("::")
    function = test.split("[", 1)[0]
    if path.endswith("tests/test_url_access.py") and function in _ACCESS_TABLE_TESTS:
        _access_cases[(function, report.outcome)] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _access_cases:
        return
    total = sum(_access_cases.values())
    terminalreporter.section("URL access table")
    terminalreporter.write_line(f"{total} persona × URL pattern × method cases run")
    for function, label in _ACCESS_TABLE_TESTS.items():
        outcomes = {o: n for (f, o), n in _access_cases.items() if f == function}
        detail = ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items()))
        terminalreporter.write_line(f"  {label}: {sum(outcomes.values())} ({detail})")
