"""A hand-built school whose every dashboard figure has been worked out by hand (see
test_measures.py for the sums). Records are written straight to the tables, with the times the
tests need; analytics only reads them."""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from analytics import store
from analytics.engine import compute
from analytics.periods import term_containing
from attendance.services import attendance_import
from concerns import services as concern_services
from concerns.models import (
    Action,
    ActionCompletion,
    ChildPresent,
    Concern,
    ConcernPupil,
    ConcernVersion,
    Decision,
    EncompassNotification,
    Outcome,
    Part,
)
from factors.models import FactorSource, KnownFactor, KnownFactorWithdrawal
from patterns.models import FindingDecision, FindingOutcome
from patterns.tests.factories import FindingFactory
from pupils.models import Pupil, SenStatus, Sex, SocialCareStatus
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from schools.models import Membership, School

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 1, 15)
MONDAY = dt.date(2025, 9, 1)
PRESENT = "/\\/\\/\\/\\/\\"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@dataclass
class HandBuilt:
    school: School
    pupils: dict[str, Pupil]
    concerns: dict[str, Concern]


def _pupil(school: School, **fields: object) -> Pupil:
    child = PupilFactory(**fields)
    EnrolmentFactory(pupil=child, school=school)
    return child


def _concern(
    school: School,
    pupil: Pupil,
    occurred: str,
    codes: tuple[str, ...],
    version_codes: tuple[str, ...] | None = None,
) -> Concern:
    occurred_at = at(occurred)
    written_at = occurred_at + dt.timedelta(hours=1)
    concern = Concern.objects.create(
        school=school,
        author_name="A teacher",
        occurred_at=occurred_at,
        written_at=written_at,
    )
    ConcernPupil.objects.create(concern=concern, pupil=pupil, part=Part.SUBJECT)
    version = ConcernVersion.objects.create(
        concern=concern, number=1, facts="Synthetic facts.", written_at=written_at
    )
    version.categories.set(school.concern_categories.filter(code__in=codes))
    return concern


def _factor(school: School, pupil: Pupil, code: str, known: str, dsl: Membership) -> KnownFactor:
    return KnownFactor.objects.create(
        school=school,
        pupil=pupil,
        code=code,
        source=FactorSource.ASSESSMENT,
        known_from=dt.date.fromisoformat(known),
        recorded_by=dsl,
        recorded_at=at(known + "T16:00"),
    )


def _decide(
    concern: Concern,
    outcome: Outcome,
    when: str,
    review: dt.date | None = None,
    supersedes: Decision | None = None,
) -> Decision:
    moment = at(when)
    return Decision.objects.create(
        concern=concern,
        outcome=outcome,
        rationale="Synthetic rationale.",
        review_date=review,
        supersedes=supersedes,
        change_reason="Escalated." if supersedes else "",
        decided_by_name="The DSL",
        decided_at=moment,
        written_at=moment,
    )


def _action(concern: Concern, dsl: Membership, due: dt.date, done: str | None = None) -> Action:
    action = Action.objects.create(
        concern=concern,
        description="Synthetic action.",
        assigned_to=dsl,
        due_on=due,
        created_by=dsl,
        created_at=concern.written_at,
    )
    if done:
        ActionCompletion.objects.create(
            action=action, note="Done.", completed_by=dsl, completed_at=at(done)
        )
    return action


def build(school: School, dsl: Membership, tmp_path: Path) -> HandBuilt:
    """Eight children on the roll in autumn 2025, one leaver, seven concerns (one before the
    term), decisions, actions, an Operation Encompass notification, findings and registers."""
    concern_services.categories_ensure(school=school)
    common = {"sen_status": SenStatus.NONE}
    p = {
        "p1": _pupil(
            school,
            sex=Sex.FEMALE,
            ethnicity="WBRI",
            sen_status=SenStatus.SEN_SUPPORT,
            disadvantaged=True,
            date_of_birth=dt.date(2015, 3, 1),
        ),
        "p2": _pupil(
            school, sex=Sex.MALE, ethnicity="ABAN", date_of_birth=dt.date(2012, 1, 10), **common
        ),
        "p3": _pupil(
            school,
            sex=Sex.MALE,
            ethnicity="",
            disability=True,
            disadvantaged=True,
            social_care_status=SocialCareStatus.OPEN,
            date_of_birth=dt.date(2015, 6, 1),
            **common,
        ),
    }
    for n in range(4, 9):
        p[f"p{n}"] = _pupil(school, sex=Sex.FEMALE, ethnicity="WBRI", **common)
    leaver = PupilFactory(sex=Sex.MALE)
    EnrolmentFactory(
        pupil=leaver,
        school=school,
        end_date=dt.date(2025, 7, 20),
        end_reason="moved_school",
    )
    c = {
        "c1": _concern(school, p["p1"], "2025-09-10T10:00", ("neglect",)),
        "c2": _concern(school, p["p1"], "2025-10-05T09:00", ("neglect", "domestic_abuse")),
        "c3": _concern(school, p["p2"], "2025-11-01T09:00", ("neglect",)),
        "c4": _concern(school, p["p3"], "2025-11-15T09:00", ("neglect", "emotional")),
        "c5": _concern(school, p["p2"], "2025-12-02T09:00", ("physical",)),
        "c6": _concern(school, p["p4"], "2025-08-20T09:00", ("substance_misuse",)),
        "c7": _concern(school, p["p5"], "2025-12-20T09:00", ("other",)),
    }
    first = _decide(c["c1"], Outcome.MONITOR, "2025-09-11T10:00", dt.date(2025, 10, 1))
    _decide(c["c1"], Outcome.SOCIAL_CARE, "2025-09-20T10:00", supersedes=first)
    _decide(c["c2"], Outcome.EARLY_HELP, "2025-10-07T09:00")
    _decide(c["c3"], Outcome.MONITOR, "2025-11-01T12:00", dt.date(2025, 12, 1))
    _decide(c["c5"], Outcome.NO_FURTHER_ACTION, "2025-12-02T20:00")
    _decide(c["c6"], Outcome.NO_FURTHER_ACTION, "2025-08-21T09:00")
    _decide(c["c7"], Outcome.NO_FURTHER_ACTION, "2026-01-05T09:00")  # after the term
    _action(c["c1"], dsl, dt.date(2025, 12, 1))
    _action(c["c2"], dsl, dt.date(2025, 11, 1), done="2025-10-30T12:00")
    _action(c["c3"], dsl, dt.date(2025, 12, 10), done="2026-01-03T12:00")
    _action(c["c4"], dsl, dt.date(2026, 1, 10))
    notification = EncompassNotification.objects.create(
        school=school,
        police_reference="SYN-1",
        occurred_at=at("2025-10-10T22:00"),
        received_at=at("2025-10-11T07:00"),
        child_present=ChildPresent.YES,
        welfare_check_on=dt.date(2025, 10, 11),
        recorded_by=dsl,
        recorded_at=at("2025-10-11T08:00"),
    )
    notification.pupils.add(p["p3"])
    # Factors known about the children's households (CIN assessment factor codes).
    _factor(school, p["p2"], "4B", "2025-10-01", dsl)  # parental mental ill-health
    _factor(school, p["p2"], "3B", "2025-11-01", dsl)  # domestic abuse
    _factor(school, p["p1"], "1B", "2025-12-01", dsl)  # parental alcohol misuse
    _factor(school, p["p1"], "2B", "2026-01-10", dsl)  # known after the term: not counted
    dropped = _factor(school, p["p3"], "2B", "2025-09-15", dsl)
    KnownFactorWithdrawal.objects.create(  # withdrawn before the term ended: not counted
        factor=dropped,
        reason="Recorded against the wrong child.",
        withdrawn_by=dsl,
        withdrawn_at=at("2025-11-30T10:00"),
    )
    _factor(school, p["p4"], "4B", "2025-10-01", dsl)  # no concern this term: not counted
    FindingFactory(school=school, pupil=p["p1"])
    decided = FindingFactory(school=school, pupil=p["p2"])
    FindingDecision.objects.create(
        finding=decided,
        outcome=FindingOutcome.NOT_A_CONCERN_NOW,
        rationale="Synthetic.",
        decided_by=dsl,
        decided_at=at("2025-12-01T09:00"),
    )
    # Two weeks of registers from 1 Sep 2025: p1 misses two sessions a week (20%: persistent
    # absence), p6 one session (5%), p2 and p4 none.
    absent2 = "II" + PRESENT[2:]
    absent1 = "I" + PRESENT[1:]
    lines = ["urn,upn,week_start,marks"]
    for key, weeks in (
        ("p1", [absent2, absent2]),
        ("p2", [PRESENT, PRESENT]),
        ("p4", [PRESENT, PRESENT]),
        ("p6", [absent1, PRESENT]),
    ):
        for n, marks in enumerate(weeks):
            lines.append(f"{school.urn},{p[key].upn},{MONDAY + dt.timedelta(weeks=n)},{marks}")
    path = tmp_path / "registers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    attendance_import(actor=None, path=path, school=school)
    return HandBuilt(school, p, c)


def autumn_figures(built: HandBuilt) -> dict[str, Any]:
    """The hand-built school's figures for autumn 2025, as a plain dict (for comparisons)."""
    result = compute(
        school_ids=[built.school.pk], period=term_containing(dt.date(2025, 10, 1)), today=TODAY
    )
    return dataclasses.asdict(result.schools[built.school.pk])


def fresh_autumn_figures(built: HandBuilt) -> dict[str, Any]:
    """The same, from an empty analytics copy (what the incremental copy must agree with)."""
    store.reset()
    return autumn_figures(built)
