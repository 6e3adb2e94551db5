"""Register weeks as facts for the pattern detectors: one fact per school day with marks (ADR 17;
listed in `settings.PATTERN_FACT_SOURCES`).

Marks are decoded through `attendance.marks` (the code table's statistical treatment,
attendance.md §2-§3 [V], and the late codes setting, §6). "Unexplained" absence is every
unauthorised mark (`G N O U`), as the attendance pages count it (attendance.md §2 "unauthorised
(G N O U)" [V]; §6 first unexplained absence). A week re-imported after the cut is read as its
amendment history says it stood before (the earliest amendment written after the cut holds the
marks then in force, from the import that wrote them).
"""

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from attendance.marks import week_day_counts
from attendance.models import AttendanceAmendment, AttendanceWeek
from sources.facts import AttendanceDayFact, FactParts, FactWindow, PupilFacts


def attendance_days(
    pupil_id: str, week_start: date, marks: str, recorded_at: datetime
) -> list[AttendanceDayFact]:
    """One week row's sessions as day facts (Monday to Friday; days with no mark left out)."""
    days = []
    for day, counts in week_day_counts(week_start, marks):
        days.append(
            AttendanceDayFact(
                pupil_id=pupil_id,
                day=day,
                recorded_at=recorded_at,
                possible=counts.possible,
                attended=counts.attended,
                authorised=counts.authorised,
                unauthorised=counts.unauthorised,
                unexplained=counts.unauthorised,
                late=counts.late,
            )
        )
    return days


def facts_for(*, pupils: Mapping[str, PupilFacts], window: FactWindow) -> dict[str, FactParts]:
    """Each child's school days over the window, as the registers stood at the cut."""
    found: dict[str, FactParts] = defaultdict(FactParts)
    weeks = AttendanceWeek.objects.filter(
        pupil_id__in=list(pupils),
        week_start__gte=window.start - timedelta(days=6),
        week_start__lte=window.as_of,
    ).values_list("id", "pupil_id", "week_start", "marks", "recorded_at")
    later = [w for w in weeks if w[4] >= window.end]
    earlier: dict[int, tuple[str, datetime]] = {}
    if later:
        amendments = (
            AttendanceAmendment.objects.filter(
                week_id__in=[w[0] for w in later], recorded_at__gte=window.end
            )
            .order_by("-recorded_at", "-id")
            .values_list("week_id", "previous_marks", "previous_import__imported_at")
        )
        for week_id, marks, imported_at in amendments:
            earlier[week_id] = (marks, imported_at)  # the earliest after the cut wins
    for week_id, pupil_id, week_start, current, written in weeks:
        marks, recorded_at = (
            (current, written) if written < window.end else earlier.get(week_id, ("", window.end))
        )
        if recorded_at >= window.end:
            continue  # not imported by then
        pid = str(pupil_id)
        found[pid].attendance.extend(attendance_days(pid, week_start, marks, recorded_at))
    return found
