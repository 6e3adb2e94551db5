"""A received child protection file is history the detectors read (transfer/facts.py): the
earlier school's neglect concerns and referral, with one small concern at the new school, raise
the findings; without the file, or with a file of other kinds, nothing is raised; the evidence
names the school and opens only for those who may read the child's transferred records."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from background.testing import run_pending_tasks
from concerns.tests.factories import make_concern, make_decision, staff_member
from patterns.facts import DecisionKind, FactWindow, Part, PupilFacts
from patterns.models import Finding
from patterns.selectors import evidence_rows
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from schools.models import Role
from schools.tests.factories import MembershipFactory, SchoolFactory
from transfer import services
from transfer.facts import category_codes, decision_kind, facts_for
from transfer.models import MatchedBy, ReceivedTransfer, Transfer, TransferredRecord
from transfer.tests.helpers import leave, receiving_dsl

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 1, 12, 10, 0, tzinfo=LONDON)  # a Monday in term
COUNTED = {"cumulative-neglect", "prior-history"}


def _found(pupil) -> dict[str, Finding]:
    return {
        f.detector: f
        for f in Finding.objects.filter(pupil=pupil, is_current=True)
        if f.detector in COUNTED
    }


def _history_at_first_school(dsl, pupil, school) -> None:
    """Two neglect concerns from two adults, and a referral to children's social care."""
    first, second = staff_member(school=school), staff_member(school=school)
    concern = make_concern(
        author=first,
        pupil=pupil,
        facts="Came in hungry; had not had breakfast or tea.",
        occurred_at=timezone.now() - timedelta(days=3),
    )
    make_concern(
        author=second,
        pupil=pupil,
        facts="Same clothes all week; smelt of urine.",
        occurred_at=timezone.now() - timedelta(days=1),
    )
    make_decision(dsl=dsl, concern=concern)


def _sealed_file(dsl, pupil, to_school) -> tuple[Transfer, str]:
    leave(dsl=dsl, pupil=pupil, destination=to_school.name)
    transfer = Transfer.objects.get(pupil=pupil)
    return services.transfer_prepare(
        actor=dsl, transfer=transfer, to_school_name=to_school.name, to_school_urn=to_school.urn
    )


@pytest.fixture
def arrived(unrelated_school):
    """The child as Elsewhere Academy's Cairn knows them: their own record there (another
    school's Cairn holds the history; `pupil` is the child at Oakfield Primary)."""
    child = PupilFactory(legal_forename="Ava", legal_surname="Testchild")
    EnrolmentFactory(pupil=child, school=unrelated_school, start_date=START.date())
    return child


@pytest.fixture
def moved(dsl, pupil, school, unrelated_school, arrived):
    """The child's file at Oakfield Primary, the move to Elsewhere Academy two weeks later and
    one small neglect concern in the first days there; the file not yet imported."""
    with time_machine.travel(START, tick=True) as traveller:
        _history_at_first_school(dsl, pupil, school)
        traveller.shift(timedelta(days=14))
        transfer, passphrase = _sealed_file(dsl, pupil, unrelated_school)
        receiver = receiving_dsl(unrelated_school)
        make_concern(
            author=staff_member(school=unrelated_school),
            pupil=arrived,
            facts="No coat in the rain; said there was no food at home.",
        )
        run_pending_tasks()
        yield receiver, transfer, passphrase


def _import(receiver, transfer, passphrase, child) -> ReceivedTransfer:
    return services.bundle_import(
        actor=receiver,
        sealed=services.bundle_bytes(transfer),
        passphrase=passphrase,
        pupil_id=child.pk,
    )


def test_transferred_history_and_one_new_concern_raise_the_findings(moved, arrived, school):
    receiver, transfer, passphrase = moved
    pupil = arrived
    # One concern at the new school, read alone, is nothing.
    assert _found(pupil) == {}

    received = _import(receiver, transfer, passphrase, arrived)
    run_pending_tasks()  # the import announced the child: the refresh reads the file

    found = _found(pupil)
    assert set(found) == COUNTED
    transferred = {
        str(pk)
        for pk in TransferredRecord.objects.filter(received=received).values_list("pk", flat=True)
    }
    neglect = found["cumulative-neglect"]
    assert neglect.school_id == receiver.school_id
    kinds = sorted(e["kind"] for e in neglect.evidence)
    assert kinds == ["concern", "transferred", "transferred"]
    assert {e["id"] for e in neglect.evidence if e["kind"] == "transferred"} <= transferred
    assert f"2 concerns transferred from {school.name}" in neglect.detail
    assert "from 3 adults" in neglect.detail
    history = found["prior-history"]
    assert f"1 referral transferred from {school.name}" in history.detail
    assert [e["kind"] for e in history.evidence] == ["transferred", "concern"]


def test_without_the_transfer_nothing_is_raised(moved, arrived):
    run_pending_tasks()
    assert _found(arrived) == {}
    assert not TransferredRecord.objects.exists()


def test_a_file_within_one_cairn_counts_each_concern_once(dsl, pupil, school, other_school):
    """Within a trust the file goes across inside Cairn, for the same child's record: the
    concerns app already gives the earlier school's concerns, and the copies are left out."""
    with time_machine.travel(START, tick=True) as traveller:
        _history_at_first_school(dsl, pupil, school)
        traveller.shift(timedelta(days=14))
        leave(dsl=dsl, pupil=pupil, destination=other_school.name)
        transfer = Transfer.objects.get(pupil=pupil)
        services.transfer_prepare(actor=dsl, transfer=transfer)
        receiver = receiving_dsl(other_school, pupil)
        make_concern(author=staff_member(school=other_school), pupil=pupil)
        services.direct_import(actor=receiver, transfer=transfer)
        run_pending_tasks()
        found = _found(pupil)
    assert TransferredRecord.objects.filter(kind="concern").count() == 2
    neglect = found["cumulative-neglect"]
    assert sorted(e["kind"] for e in neglect.evidence) == ["concern"] * 3
    assert "transferred" not in neglect.detail
    assert [e["kind"] for e in found["prior-history"].evidence] == ["decision", "concern"]


def test_the_evidence_opens_only_for_those_who_read_the_childs_record(
    moved, arrived, school, dsl, client_for
):
    receiver, transfer, passphrase = moved
    pupil = arrived
    _import(receiver, transfer, passphrase, arrived)
    run_pending_tasks()
    finding = _found(pupil)["cumulative-neglect"]
    head = MembershipFactory(school=receiver.school, role=Role.HEADTEACHER)
    teacher = MembershipFactory(school=receiver.school, role=Role.STAFF)

    for reader in (receiver, head):
        rows = [
            r for r in evidence_rows(viewer=reader, finding=finding) if r["kind"] == "transferred"
        ]
        assert len(rows) == 2
        for row in rows:
            assert row["label"] == f"Concern, transferred from {school.name}"
            assert row["url"].startswith(reverse("chronology:pupil", args=[pupil.pk]))
            assert "kind=transferred" in row["url"]
            assert row["excerpt"].startswith("Concern.")
    for outsider in (teacher, dsl):  # a teacher here; the first school's DSL
        rows = [
            r for r in evidence_rows(viewer=outsider, finding=finding) if r["kind"] == "transferred"
        ]
        assert [(r["url"], r["excerpt"]) for r in rows] == [(None, "")] * 2

    client = client_for(receiver)
    page = client.get(reverse("patterns:detail", args=[finding.pk]))
    assert page.status_code == 200
    assert f"Concern, transferred from {school.name}" in page.content.decode()
    link = next(
        r["url"]
        for r in evidence_rows(viewer=receiver, finding=finding)
        if r["url"] and r["kind"] == "transferred"
    )
    entry = client.get(link)
    assert entry.status_code == 200
    assert "Came in hungry" in entry.content.decode()
    # A teacher opens neither the finding nor the chronology the evidence leads to.
    assert client_for(teacher).get(reverse("patterns:detail", args=[finding.pk])).status_code in {
        403,
        404,
    }
    assert client_for(teacher).get(link).status_code in {403, 404}


# ---- the source itself, over rows as a receiving school holds them ----------------------------


def _received(school, pupil, *, imported_at=None) -> ReceivedTransfer:
    return ReceivedTransfer.objects.create(
        school=school,
        pupil=pupil,
        from_school_name="Northfield Primary",
        from_school_urn="123456",
        sender_transfer_id=f"t-{TransferredRecord.objects.count()}-{school.pk}",
        bundle_sha256="0" * 64,
        matched_by=MatchedBy.UPN,
        imported_by=MembershipFactory(school=school, role=Role.DSL),
        imported_at=imported_at or timezone.now(),
    )


def _record(received, *, kind, title, days_ago, categories=(), author="A. Teacher"):
    return TransferredRecord.objects.create(
        received=received,
        school=received.school,
        pupil=received.pupil,
        original_id=f"{kind}:{title}:{days_ago}",
        kind=kind,
        kind_label=kind.title(),
        occurred_at=timezone.now() - timedelta(days=days_ago),
        title=title,
        author=author,
        categories=list(categories),
    )


def _window(days_back: int = 400) -> FactWindow:
    today = timezone.localdate()
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=LONDON)
    return FactWindow(as_of=today, start=today - timedelta(days=days_back), end=end)


def _pupil_facts(pupil, school) -> dict[str, PupilFacts]:
    return {
        str(pupil.pk): PupilFacts(
            pupil_id=str(pupil.pk),
            upn=pupil.upn,
            school_id=str(school.pk),
            date_of_birth=pupil.date_of_birth,
        )
    }


def test_concerns_and_decisions_read_as_the_file_says(pupil, school):
    received = _received(school, pupil)
    subject = _record(received, kind="concern", title="Concern", days_ago=10,
                      categories=["Neglect", "A name no one uses"])  # fmt: skip
    _record(received, kind="concern", title="Concern (as a witness)", days_ago=9,
            categories=["Physical abuse"], author="")  # fmt: skip
    _record(received, kind="concern", title="Concern about lunch", days_ago=8)
    _record(received, kind="concern", title="Concern", days_ago=500)  # before the look-back
    referral = _record(
        received, kind="decision", title="Referral to children's social care (ref. M)", days_ago=700
    )
    _record(received, kind="decision", title="No further action — changed decision", days_ago=5)
    _record(received, kind="decision", title="Sent a letter home", days_ago=4)

    parts = facts_for(pupils=_pupil_facts(pupil, school), window=_window())[str(pupil.pk)]

    first, witness = parts.concerns
    assert (first.id, first.part, first.categories) == (
        str(subject.pk),
        Part.SUBJECT,
        frozenset({"neglect"}),
    )
    assert first.transferred_from == "Northfield Primary"
    assert first.recorded_at == received.imported_at
    assert first.author_id == "transferred:Northfield Primary:A. Teacher"
    assert (witness.part, witness.categories) == (Part.WITNESS, frozenset({"physical"}))
    assert witness.author_id == "transferred:Northfield Primary:not named"
    assert [(d.kind, d.closes_case) for d in parts.history] == [
        (DecisionKind.REFERRAL, False),
        (DecisionKind.NFA, True),
    ]
    assert parts.history[0].id == str(referral.pk)
    assert parts.history[0].case_id != parts.history[1].case_id
    assert parts.decisions == []


def test_a_file_of_other_kinds_gives_no_facts_and_raises_nothing(pupil, school):
    received = _received(school, pupil)
    for n, kind in enumerate(
        ["note", "action", "referral_outcome", "behaviour", "encompass", "voice", "attendance",
         "factor", "finding", "plan", "agency_contact", "meeting", "engagement", "transferred"]
    ):  # fmt: skip
        _record(received, kind=kind, title="Concern", days_ago=n + 1, categories=["Neglect"])
    assert facts_for(pupils=_pupil_facts(pupil, school), window=_window()) == {}

    make_concern(author=staff_member(school=school), pupil=pupil)
    run_pending_tasks()
    assert not Finding.objects.filter(pupil=pupil).exclude(detector="voice-absent").exists()


def test_a_file_imported_after_the_day_or_kept_by_another_school_is_not_read(pupil, school):
    later = _received(school, pupil, imported_at=timezone.now() + timedelta(days=2))
    _record(later, kind="concern", title="Concern", days_ago=3, categories=["Neglect"])
    elsewhere = _received(SchoolFactory(), pupil)
    _record(elsewhere, kind="concern", title="Concern", days_ago=3, categories=["Neglect"])
    assert facts_for(pupils=_pupil_facts(pupil, school), window=_window()) == {}


def test_the_names_read_back_to_codes_and_kinds():
    assert category_codes(["neglect", " Neglect ", "NEGLECT", "Made up"]) == {"neglect"}
    assert decision_kind("Early help") is DecisionKind.EARLY_HELP
    assert decision_kind("Referral to the police (ref. 42) — changed decision") is (
        DecisionKind.POLICE
    )
    assert decision_kind("Monitor closely") is None


def test_a_child_with_no_transferred_records_here_gets_nothing():
    other = PupilFactory()
    school = SchoolFactory()
    EnrolmentFactory(pupil=other, school=school)
    assert facts_for(pupils=_pupil_facts(other, school), window=_window()) == {}


def test_an_evidence_row_names_only_what_it_can_find(pupil, school, dsl, trust_lead_no_reason):
    from transfer.evidence import UNNAMED, evidence_row

    received = _received(school, pupil)
    record = _record(received, kind="concern", title="Concern", days_ago=3)
    record.summary = "Came in hungry. " * 20
    record.save(update_fields=["summary"])
    finding = Finding(pupil_id=pupil.pk)
    other = Finding(pupil_id=PupilFactory().pk)

    row = evidence_row(viewer=dsl, finding=finding, ref=str(record.pk))
    assert row.label == "Concern, transferred from Northfield Primary"
    assert row.url is not None
    assert row.excerpt.endswith("…")
    assert len(row.excerpt) <= 161
    # A fact from a file names no record; nor does a record about another child.
    assert evidence_row(viewer=dsl, finding=finding, ref="x1").label == UNNAMED
    assert evidence_row(viewer=dsl, finding=other, ref=str(record.pk)).label == UNNAMED
    # A trust lead the trust lets read children's records must first say why.
    held = evidence_row(viewer=trust_lead_no_reason, finding=finding, ref=str(record.pk))
    assert (held.label, held.url, held.excerpt) == (row.label, None, "")
