"""The database fact loader: a hand-built school's records, through the real services, give the
facts a careful reader would expect, cut "as of" a date by when things happened and were written."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attendance.facts import attendance_days
from attendance.tests.factories import import_text, weeks_csv
from concerns import services as concern_services
from concerns.models import BodyRegion, BodySide, ChildPresent, Outcome
from concerns.models import Part as ConcernPart
from concerns.tests.factories import enrolled_pupil, make_concern, staff_member
from patterns.db_loader import DatabaseFacts
from patterns.engine import run
from patterns.facts import ActionKind, DecisionKind, Part
from pupils.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
    PupilFactory,
    RelationshipFactory,
)
from schools.models import Role
from voice.models import SupportLevel
from voice.tests.factories import CheckInScheduleFactory, SupportStatusFactory, VoiceEntryFactory

MONDAY = date(2025, 1, 6)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def built(db, tmp_path, school, other_school, dsl):
    """A child with three neglect concerns from two adults, an injury, casework, registers, a
    status and a voice entry; a sibling at another school of the trust with a concern."""
    teacher_a = staff_member(school=school)
    teacher_b = staff_member(school=school)
    child = enrolled_pupil(school=school, disadvantaged=True)
    sibling = enrolled_pupil(school=other_school)
    other_author = staff_member(school=other_school)
    with time_machine.travel(at("2024-12-02"), tick=False):  # confirmed before the concerns
        household = HouseholdFactory(trust=school.trust)
        HouseholdMemberFactory(household=household, pupil=child, joined_on=date(2024, 9, 2))
        HouseholdMemberFactory(household=household, pupil=sibling, joined_on=date(2024, 9, 2))
        for pupil in (child, sibling):
            RelationshipFactory(
                pupil=pupil,
                person=PersonFactory(forename="Sam", surname="Parent"),
                lives_with_pupil=True,
            )
    made = {"child": child, "sibling": sibling, "household": household}
    with time_machine.travel(at("2025-01-06"), tick=False):
        made["c1"] = make_concern(author=teacher_a, pupil=child, occurred_at=at("2025-01-06", 9))
        made["sibling_concern"] = make_concern(
            author=other_author, pupil=sibling, occurred_at=at("2025-01-06", 8)
        )
        SupportStatusFactory(
            pupil=child, recorded_by=dsl, level=SupportLevel.CIN, starts_on=date(2025, 1, 6)
        )
    with time_machine.travel(at("2025-01-13"), tick=False):
        made["c2"] = make_concern(author=teacher_b, pupil=child, occurred_at=at("2025-01-13", 9))
        made["injury"] = concern_services.concern_record(
            actor=teacher_b,
            data=concern_services.ConcernInput(
                children=[concern_services.ChildPart(pupil=child, part=Part.SUBJECT)],
                occurred_at=at("2025-01-13", 9),
                facts="A bruise on the forearm.",
                marks=[
                    concern_services.MarkInput(
                        side=BodySide.FRONT, region=BodyRegion.LEFT_ARM, description="bruise"
                    )
                ],
            ),
        )
        made["decision"] = concern_services.decision_record(
            actor=dsl,
            concern=made["c2"],
            data=concern_services.DecisionInput(
                outcome=Outcome.MONITOR, rationale="Watch.", review_date=date(2025, 1, 27)
            ),
        )
        made["action"] = concern_services.action_assign(
            actor=dsl,
            concern=made["c2"],
            assignee=dsl,
            description="Give a food bank voucher and a winter coat",
            due_on=date(2025, 1, 17),
        )
    with time_machine.travel(at("2025-01-15"), tick=False):
        concern_services.action_complete(actor=dsl, action=made["action"], note="Done.")
        made["behaviour"] = concern_services.behaviour_record(
            actor=teacher_a, pupil=child, occurred_at=at("2025-01-15", 9), incident_type="Threw"
        )
        made["encompass"] = concern_services.encompass_record(
            actor=dsl,
            data=concern_services.EncompassInput(
                pupils=[child],
                police_reference="PN-1",
                occurred_at=at("2025-01-14", 22),
                received_at=at("2025-01-15", 7),
                child_present=ChildPresent.YES,
                welfare_check_on=date(2025, 1, 15),
            ),
        )
        made["voice"] = VoiceEntryFactory(pupil=child, recorded_by=dsl)
    with time_machine.travel(at("2025-01-20", 17), tick=False):
        # Week of 13 Jan: Monday absent unexplained (N N), Tuesday late (L then present).
        import_text(
            tmp_path,
            weeks_csv(child, school, date(2025, 1, 13), ["NNL\\/\\/\\/\\"]),
        )
    # Written on 24 Jan about something seen on 17 Jan: invisible as of 20 Jan.
    with time_machine.travel(at("2025-01-24"), tick=False):
        made["c3"] = make_concern(
            author=teacher_a,
            pupil=child,
            occurred_at=at("2025-01-17", 9),
            category_codes=("neglect", "physical"),
        )
    return made


def test_the_childs_facts(built):
    child = built["child"]
    with time_machine.travel(at("2025-01-27"), tick=False):
        facts = DatabaseFacts(as_of=date(2025, 1, 27)).load_pupils(
            [str(child.pk)], date(2025, 1, 27)
        )
    (f,) = facts
    assert f.upn == child.upn
    assert f.disadvantaged
    assert f.in_poverty
    assert f.household_ids == {str(built["household"].pk)}
    by_id = {c.id: c for c in f.concerns}
    c1, c3 = by_id[str(built["c1"].pk)], by_id[str(built["c3"].pk)]
    assert c1.indicators == {"neglect", "neglect_sign"}
    assert c1.part is Part.SUBJECT
    assert c3.indicators == {"neglect", "neglect_sign", "physical_abuse"}
    assert c3.occurred_at == at("2025-01-17", 9)
    assert c3.recorded_at == at("2025-01-24")
    assert "injury" in by_id[str(built["injury"].pk)].indicators
    assert by_id[str(built["behaviour"].pk)].record_kind == "behaviour"
    assert by_id[str(built["behaviour"].pk)].indicators == {"behaviour_change"}
    assert by_id[str(built["encompass"].pk)].indicators == {"domestic_abuse_household"}
    assert len({c.author_id for c in f.concerns if "neglect_sign" in c.indicators}) == 2
    (decision,) = f.decisions
    assert decision.kind is DecisionKind.MONITOR
    assert decision.review_date == date(2025, 1, 27)
    assert decision.case_id == str(built["c2"].pk)
    assert not decision.closes_case
    (action,) = f.actions
    assert action.kind is ActionKind.PRACTICAL
    assert action.done_at == at("2025-01-15")
    days = {d.day: d for d in f.attendance}
    assert days[date(2025, 1, 13)].unexplained == 2
    assert days[date(2025, 1, 13)].attended == 0
    assert days[date(2025, 1, 14)].late == 1
    assert days[date(2025, 1, 14)].attended == 2
    assert all(d.recorded_at == at("2025-01-20", 17) for d in f.attendance)
    assert [v.id for v in f.voice] == [str(built["voice"].pk)]
    (cadence,) = f.cadences
    assert (cadence.days, cadence.status) == (30, "cin")  # the CIN default (ADR 0005)
    assert [r.school_id for r in f.roll] == [f.school_id]


def test_as_of_cut_hides_what_was_not_yet_written(built):
    child = built["child"]
    source = DatabaseFacts(as_of=date(2025, 1, 20))
    (f,) = source.load_pupils([str(child.pk)], date(2025, 1, 20))
    ids = {c.id for c in f.concerns}
    assert str(built["c1"].pk) in ids
    assert str(built["c2"].pk) in ids
    assert str(built["c3"].pk) not in ids  # happened on 17 Jan, written on 24 Jan
    # The registers were imported at 17:00 on 20 Jan: known at the end of that day, not before.
    assert f.attendance
    (earlier,) = DatabaseFacts(as_of=date(2025, 1, 19)).load_pupils(
        [str(child.pk)], date(2025, 1, 19)
    )
    assert not earlier.attendance
    assert {a.done_at for a in earlier.actions} == {at("2025-01-15")}
    (before,) = DatabaseFacts(as_of=date(2025, 1, 14)).load_pupils(
        [str(child.pk)], date(2025, 1, 14)
    )
    # The action was done on the 15th: the engine hides it on the 14th.
    from patterns.engine import visible_as_of

    assert [a.done_at for a in visible_as_of(before, date(2025, 1, 14)).actions] == [None]
    with pytest.raises(ValueError, match="as of 2025-01-20"):
        source.load_pupils(None, date(2025, 1, 21))


def test_household_holds_the_sibling_at_another_school(built):
    source = DatabaseFacts(as_of=date(2025, 1, 27))
    (household,) = source.load_households([str(built["household"].pk)], date(2025, 1, 27))
    assert {c.pupil_id for c in household.children} == {
        str(built["child"].pk),
        str(built["sibling"].pk),
    }
    assert household.adult_count == 1  # the same adult, imported once per school
    assert len(household.school_ids) == 2
    assert source.load_households([], date(2025, 1, 27)) == []


def test_the_engine_raises_findings_from_real_records(built):
    child = str(built["child"].pk)
    raised = run(DatabaseFacts(as_of=date(2025, 1, 27)).source(), as_of=date(2025, 1, 27))
    found = {(r.detector, r.subject_id) for r in raised.raised}
    assert ("cumulative-neglect", child) in found
    assert ("household-children", str(built["household"].pk)) in found
    before = run(DatabaseFacts(as_of=date(2025, 1, 14)).source(), as_of=date(2025, 1, 14))
    assert ("cumulative-neglect", child) not in {(r.detector, r.subject_id) for r in before.raised}


def test_queries_per_chunk_do_not_grow_with_children(db, school):
    author = staff_member(school=school)
    children = [enrolled_pupil(school=school) for _ in range(6)]
    for child in children:
        make_concern(author=author, pupil=child)
    as_of = timezone.localdate() + timedelta(days=1)

    def count(ids: list[str]) -> int:
        with CaptureQueriesContext(connection) as queries:
            DatabaseFacts(as_of=as_of).load_pupils(ids, as_of)
        return len(queries)

    one = count([str(children[0].pk)])
    assert count([str(c.pk) for c in children]) == one
    # About eighteen for the record apps and nine for casework (one per kind the detectors read).
    assert one <= 30


def test_batch_is_the_roll_of_the_schools_asked_for(db, school, other_school):
    here = enrolled_pupil(school=school)
    enrolled_pupil(school=other_school)
    never = PupilFactory()
    left_long_ago = PupilFactory()
    EnrolmentFactory(
        pupil=left_long_ago, school=school, start_date=date(2015, 9, 1), end_date=date(2016, 7, 20)
    )
    source = DatabaseFacts(as_of=date(2025, 1, 27), school_ids=[str(school.pk)])
    assert [p.pupil_id for p in source.load_pupils(None, date(2025, 1, 27))] == [str(here.pk)]
    assert source.load_pupils([str(never.pk)], date(2025, 1, 27)) == []


def test_a_week_row_becomes_day_facts():
    days = attendance_days("p", MONDAY, "/\\I-UU--G-", at("2025-01-10"))
    assert [d.day for d in days] == [
        MONDAY,
        MONDAY + timedelta(1),
        MONDAY + timedelta(2),
        MONDAY + timedelta(4),
    ]
    monday, tuesday, wednesday, friday = days
    assert (monday.possible, monday.attended) == (2, 2)
    assert (tuesday.possible, tuesday.authorised, tuesday.attended) == (1, 1, 0)
    assert (wednesday.unauthorised, wednesday.unexplained, wednesday.late) == (2, 2, 2)
    assert (friday.possible, friday.unexplained) == (1, 1)
    # Not counted (X: not required to attend): no possible session.
    (x,) = attendance_days("p", MONDAY, "XX--------", at("2025-01-10"))
    assert (x.possible, x.attended) == (0, 0)


def test_amendments_written_after_the_cut_are_not_seen_before_it(db, school, dsl):
    child = enrolled_pupil(school=school)
    with time_machine.travel(at("2025-01-06"), tick=False):
        concern = make_concern(author=dsl, pupil=child, occurred_at=at("2025-01-06", 9))
        first = concern_services.decision_record(
            actor=dsl,
            concern=concern,
            data=concern_services.DecisionInput(
                outcome=Outcome.MONITOR, rationale="Watch.", review_date=date(2025, 1, 20)
            ),
        )
    with time_machine.travel(at("2025-01-10"), tick=False):
        concern_services.concern_amend(
            actor=dsl,
            concern=concern,
            facts="Clearer words.",
            child_words="",
            categories=list(school.concern_categories.filter(code="emotional")),
            reason="Recategorised after talking to the child.",
        )
        second = concern_services.decision_record(
            actor=dsl,
            concern=concern,
            data=concern_services.DecisionInput(outcome=Outcome.NO_FURTHER_ACTION, rationale="OK."),
            supersedes=first,
            change_reason="Mum engaged.",
        )

    def facts_on(day: date):
        (f,) = DatabaseFacts(as_of=day).load_pupils([str(child.pk)], day)
        return f

    before, after = facts_on(date(2025, 1, 8)), facts_on(date(2025, 1, 10))
    assert before.concerns[0].indicators == {"neglect", "neglect_sign"}
    assert after.concerns[0].indicators == {"emotional_abuse"}
    assert [d.id for d in before.decisions] == [str(first.pk)]
    assert [(d.id, d.closes_case) for d in after.decisions] == [(str(second.pk), True)]


def test_cadences_from_statuses_their_ends_and_hand_set_schedules(db, school, dsl, other_school):
    child = enrolled_pupil(school=school)
    with time_machine.travel(at("2025-01-06"), tick=False):
        status = SupportStatusFactory(
            pupil=child,
            recorded_by=dsl,
            level=SupportLevel.CP_PLAN,
            starts_on=date(2025, 1, 6),
            ends_on=date(2025, 3, 31),
        )
        SupportStatusFactory(  # at a school the child is not on the roll of: not theirs here
            pupil=child, recorded_by=staff_member(school=other_school), level=SupportLevel.CIN
        )
    with time_machine.travel(at("2025-01-13"), tick=False):
        schedule = CheckInScheduleFactory(pupil=child, set_by=dsl, cadence_days=7)
        CheckInScheduleFactory(
            pupil=child, set_by=staff_member(school=other_school), cadence_days=3
        )
    # Loaded with a child of the other school, whose records at that school are read in the
    # same query: the first child's records there are still not theirs here.
    elsewhere = enrolled_pupil(school=other_school)
    loaded = DatabaseFacts(as_of=date(2025, 4, 1)).load_pupils(
        [str(child.pk), str(elsewhere.pk)], date(2025, 4, 1)
    )
    by_id = {facts.pupil_id: facts for facts in loaded}
    f = by_id[str(child.pk)]
    assert by_id[str(elsewhere.pk)].cadences == ()
    cadences = sorted(f.cadences, key=lambda c: c.effective_from)
    assert [(c.id, c.effective_from, c.days) for c in cadences] == [
        (str(status.pk), date(2025, 1, 6), 14),
        (str(schedule.pk), date(2025, 1, 13), 7),
        (f"{status.pk}:ended", date(2025, 3, 31), None),
    ]


def test_a_school_outside_any_trust(db):
    from schools.tests.factories import SchoolFactory

    alone = SchoolFactory(trust=None)
    child = enrolled_pupil(school=alone)
    (f,) = DatabaseFacts(as_of=date(2025, 1, 6)).load_pupils([str(child.pk)], date(2025, 1, 6))
    assert f.trust_id is None
    assert f.school_id == str(alone.pk)


def test_household_after_a_batch_load_or_an_incremental_one(built):
    household = str(built["household"].pk)
    both = {str(built["child"].pk), str(built["sibling"].pk)}
    day = date(2025, 1, 27)
    batch = DatabaseFacts(as_of=day, school_ids=[str(built["child"].enrolments.get().school_id)])
    assert [p.pupil_id for p in batch.load_pupils(None, day)] == [str(built["child"].pk)]
    (found,) = batch.load_households([household], day)
    assert {c.pupil_id for c in found.children} == both
    incremental = DatabaseFacts(as_of=day)
    incremental.load_pupils([str(built["child"].pk)], day)
    with CaptureQueriesContext(connection) as queries:
        (found,) = incremental.load_households([household], day)
    assert {c.pupil_id for c in found.children} == both
    assert len(queries) == 1  # the adults; the sibling was read with the child


def test_words_sites_family_factors_and_old_history(db, school, dsl, tmp_path):
    """What a concern and a check-in said (the version in force at the cut), the body-map sites,
    the family's known factors on the child, and decisions older than the look-back."""
    from factors.services import factor_record
    from patterns.db_loader import LOOKBACK_DAYS

    child = enrolled_pupil(school=school)
    child.enrolments.update(start_date=date(2019, 9, 2))
    witness = enrolled_pupil(school=school)
    witness.enrolments.update(start_date=date(2019, 9, 2))
    with time_machine.travel(at("2021-03-01"), tick=False):
        old = make_concern(
            author=dsl,
            pupil=child,
            occurred_at=at("2021-03-01", 9),
            others=[(witness, ConcernPart.WITNESS)],
        )
        first = concern_services.decision_record(
            actor=dsl,
            concern=old,
            data=concern_services.DecisionInput(
                outcome=Outcome.MONITOR, rationale="Watch.", review_date=date(2021, 3, 15)
            ),
        )
        concern_services.decision_record(
            supersedes=first,
            change_reason="Mum told us more.",
            actor=dsl,
            concern=old,
            data=concern_services.DecisionInput(
                outcome=Outcome.SOCIAL_CARE,
                rationale="Referred.",
                agency="Children's services",
                referral_date=date(2021, 3, 1),
            ),
        )
    with time_machine.travel(at("2025-01-13"), tick=False):
        hurt = concern_services.concern_record(
            actor=dsl,
            data=concern_services.ConcernInput(
                children=[concern_services.ChildPart(pupil=child, part=Part.SUBJECT)],
                occurred_at=at("2025-01-13", 9),
                facts="Mum said he fell down the stairs.",
                marks=[
                    concern_services.MarkInput(
                        side=BodySide.BACK, region=BodyRegion.UPPER_BACK, description="bruise"
                    )
                ],
            ),
        )
        VoiceEntryFactory(pupil=child, recorded_by=dsl, words="I was on my own all weekend.")
        factor_record(
            actor=dsl, pupil=child, code="4B", source="family", known_from=date(2025, 1, 10)
        )
    with time_machine.travel(at("2025-01-20"), tick=False):
        concern_services.concern_amend(
            actor=dsl,
            concern=hurt,
            facts="Dad said he fell off his bike.",
            child_words="Dad pushed me.",
            categories=[],
            reason="The child spoke to the DSL.",
        )

    def facts_on(day: date):
        (f,) = DatabaseFacts(as_of=day).load_pupils([str(child.pk)], day)
        return f

    before, after = facts_on(date(2025, 1, 14)), facts_on(date(2025, 1, 21))
    (concern,) = [c for c in before.concerns if c.id == str(hurt.pk)]
    assert (concern.text, concern.child_words) == ("Mum said he fell down the stairs.", "")
    assert concern.body_regions == {"upper_back"}
    (amended,) = [c for c in after.concerns if c.id == str(hurt.pk)]
    assert amended.child_words == "Dad pushed me."
    assert [v.words for v in before.voice] == ["I was on my own all weekend."]
    assert [(f.cin_code, f.indicator) for f in before.factors] == [("4B", "parental_mental_health")]
    assert (date(2025, 1, 14) - date(2021, 3, 1)).days > LOOKBACK_DAYS
    assert str(old.pk) not in {c.id for c in before.concerns}
    assert [(d.kind, d.case_id) for d in before.history] == [(DecisionKind.REFERRAL, str(old.pk))]
    assert facts_on(date(2021, 2, 28)).history == ()
    # The witness to the old concern has no history of their own from it.
    (seen,) = DatabaseFacts(as_of=date(2025, 1, 14)).load_pupils(
        [str(witness.pk)], date(2025, 1, 14)
    )
    assert seen.history == ()


def test_a_register_week_reimported_later_reads_as_it_stood(db, school, tmp_path):
    """A week imported on 20 Jan and re-imported on 27 Jan: as of the 22nd the first import's
    marks (the amendment history), as of the 27th the new ones, as of the 19th none."""
    child = enrolled_pupil(school=school)
    with time_machine.travel(at("2025-01-20", 17), tick=False):
        import_text(tmp_path, weeks_csv(child, school, date(2025, 1, 13), ["NN\\/\\/\\/\\/"]))
    with time_machine.travel(at("2025-01-27", 17), tick=False):
        import_text(tmp_path, weeks_csv(child, school, date(2025, 1, 13), ["MM\\/\\/\\/\\/"]))

    def monday(day: date):
        (f,) = DatabaseFacts(as_of=day).load_pupils([str(child.pk)], day)
        return {d.day: d for d in f.attendance}.get(date(2025, 1, 13))

    assert monday(date(2025, 1, 19)) is None
    first = monday(date(2025, 1, 22))
    assert first is not None
    assert (first.unexplained, first.authorised) == (2, 0)
    later = monday(date(2025, 1, 27))
    assert later is not None
    assert (later.unexplained, later.authorised) == (0, 2)


def test_a_status_or_schedule_from_another_school_of_the_batch_is_not_the_childs(
    db, school, dsl, other_school
):
    """Two schools in one batch: a support status and a check-in cadence written at the school
    the child is not on the roll of are that school's, not this child's at their own school."""
    child = enrolled_pupil(school=school)
    at_other_school = enrolled_pupil(school=other_school)
    other_dsl = staff_member(school=other_school, role=Role.DSL)
    with time_machine.travel(at("2025-01-06"), tick=False):
        SupportStatusFactory(pupil=child, recorded_by=other_dsl, level=SupportLevel.CP_PLAN)
        CheckInScheduleFactory(pupil=child, set_by=other_dsl, cadence_days=3)
        own = SupportStatusFactory(
            pupil=child, recorded_by=dsl, level=SupportLevel.CIN, starts_on=date(2025, 1, 6)
        )
    facts = DatabaseFacts(as_of=date(2025, 2, 3)).load_pupils(
        [str(child.pk), str(at_other_school.pk)], date(2025, 2, 3)
    )
    cadences = {f.pupil_id: [c.id for c in f.cadences] for f in facts}
    assert cadences == {str(child.pk): [str(own.pk)], str(at_other_school.pk): []}


def test_registers_kept_between_runs_give_the_same_facts(built):
    """The register days kept per process (attendance.facts) load exactly what a fresh read
    does, for the child and the sibling loaded with their household."""
    from attendance.facts import kept

    ids = [str(built["child"].pk), str(built["sibling"].pk)]
    as_of = date(2025, 1, 27)
    with time_machine.travel(at("2025-01-27"), tick=False):
        kept.clear()
        fresh = DatabaseFacts(as_of=as_of).load_pupils(ids, as_of)
        served = DatabaseFacts(as_of=as_of).load_pupils(ids, as_of)
    assert set(kept.days) >= set(ids)
    assert served == fresh
    assert any(f.attendance for f in served)
