"""Demo registers: a year of marks for every demo pupil, through the real importer.

About a fifth of pupils are persistently absent and a few severely (the national picture in
`attendance.md` §3: about 20% persistent, 2.3% severe in 2023/24 [P]). A handful of children's
attendance worsens over the last weeks — one into a ten-day run of unexplained absence — and
one is on a part-time timetable; one leaves for elective home education while open to
children's social care. Synthetic only.
"""

import tempfile
from datetime import date, timedelta
from pathlib import Path

from attendance.services import attendance_import
from pupils.models import Enrolment, EnrolmentEndReason, SocialCareStatus
from schools.demo import DemoWorld


def _holiday(day: date) -> bool:
    """A typical English school calendar: half-terms, Christmas, Easter, summer."""
    m, d = day.month, day.day
    return (
        (m == 10 and d >= 25)
        or (m == 11 and d <= 1)
        or (m == 12 and d >= 20)
        or (m == 1 and d <= 3)
        or (m == 2 and 14 <= d <= 22)
        or (m == 4 and d <= 14)
        or (m == 5 and d >= 25)
        or (m == 7 and d >= 22)
        or m == 8
        or (m == 9 and d < 3)
    )


def _school_weeks(today: date) -> list[date]:
    last_monday = today - timedelta(days=today.weekday())
    mondays = [last_monday - timedelta(weeks=n) for n in range(52, -1, -1)]
    return [m for m in mondays if not all(_holiday(m + timedelta(days=i)) for i in range(5))]


_ORDINARY = "IIIIMMCRN"
_UNEXPLAINED = "NNOOGU"


def _session(rng, absence: float, codes: str, pm: bool) -> str:  # type: ignore[no-untyped-def]
    if rng.random() < absence:
        return str(rng.choice(codes))
    if rng.random() < 0.025:
        return "L"
    return "\\" if pm else "/"


def seed(world: DemoWorld) -> None:
    rng = world.rng
    today = world.today
    weeks = _school_weeks(today)
    worsening_from = today - timedelta(weeks=7)
    lines = ["urn,upn,week_start,marks"]
    enrolments = list(
        Enrolment.objects.filter(school__trust=world.trust, end_date__isnull=True)
        .select_related("school", "pupil")
        .order_by("school__urn", "pupil__upn")
    )
    special = rng.sample(range(len(enrolments)), 8)
    worsening, run_child, part_time_child, monfri_child = (
        set(special[:4]),
        special[4],
        special[5],
        special[6],
    )
    # A child taken off roll for elective home education while open to children's social care.
    leaver = next(
        (e for e in enrolments if e.pupil.social_care_status == SocialCareStatus.OPEN), None
    )
    if leaver is not None:
        leaver.end_date = today - timedelta(days=3)
        leaver.end_reason = EnrolmentEndReason.ELECTIVE_HOME_EDUCATION
        Enrolment.objects.filter(pk=leaver.pk).update(
            end_date=leaver.end_date, end_reason=leaver.end_reason
        )
    for index, enrolment in enumerate(enrolments):
        last_day = enrolment.end_date or today
        roll = rng.random()
        base = 0.03 if roll < 0.77 else 0.14 if roll < 0.97 else 0.55
        codes = _ORDINARY if base < 0.5 else _UNEXPLAINED + "I"
        for monday in weeks:
            marks = []
            for slot in range(10):
                day = monday + timedelta(days=slot // 2)
                if day < enrolment.start_date or day > last_day:
                    marks.append("-")
                elif _holiday(day):
                    marks.append("#")
                elif index == run_child and day >= today - timedelta(days=15):
                    marks.append("N")
                elif index in worsening and day >= worsening_from:
                    marks.append(_session(rng, 0.35, _UNEXPLAINED, slot % 2 == 1))
                elif index == part_time_child and day >= worsening_from and slot % 2:
                    marks.append("C2")
                elif index == monfri_child and day.weekday() in (0, 4) and rng.random() < 0.4:
                    marks.append("O")
                else:
                    marks.append(_session(rng, base, codes, slot % 2 == 1))
            lines.append(
                f"{enrolment.school.urn},{enrolment.pupil.upn},{monday.isoformat()},"
                + " ".join(marks)
            )
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "demo-registers.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = attendance_import(actor=None, path=path, file_name="demo-registers.csv")
    world.summary.append(f"{result.batch.marks_read:,} attendance marks")
