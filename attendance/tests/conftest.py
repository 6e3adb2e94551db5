"""Registers shared by the attendance page tests."""

from datetime import date

import pytest

from attendance.tests.factories import import_text, weeks_csv
from pupils.tests.factories import EnrolmentFactory, PupilFactory

MONDAY = date(2025, 9, 1)
AS_OF = "2025-11-28"


@pytest.fixture
def registers(tmp_path, school, pupil):
    """Ava misses most of twelve weeks; Ben attends well apart from a part-time timetable."""
    ben = PupilFactory(legal_forename="Ben", legal_surname="Steady")
    EnrolmentFactory(pupil=ben, school=school)
    ava_weeks = ["/\\/\\/\\/\\/\\"] * 2 + ["N" * 10] * 2 + ["/\\IINN/\\OO"] * 8
    ben_weeks = ["/\\/\\/\\/\\/\\"] * 9 + ["/ C2 / C2 / C2 / C2 / C2"] * 3
    text = weeks_csv(pupil, school, MONDAY, ava_weeks)
    text += weeks_csv(ben, school, MONDAY, ben_weeks).split("\n", 1)[1]
    import_text(tmp_path, text)
    return pupil, ben
