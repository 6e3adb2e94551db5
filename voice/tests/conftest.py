import pytest

from schools.models import Role
from schools.tests.factories import MembershipFactory
from voice.models import SupportLevel
from voice.services import check_in_schedule_set, support_status_record


@pytest.fixture
def trusted_adult(school):
    """A member of staff named as `pupil`'s trusted adult (see `pupil_on_plan`)."""
    return MembershipFactory(
        school=school,
        role=Role.STAFF,
        user__email="trusted@oakfield.example",
        user__full_name="Tess Trusted",
    )


@pytest.fixture
def pupil_on_plan(pupil, dsl, trusted_adult):
    """`pupil`, in need (CIN) from 5 January 2026, with `trusted_adult` checking in."""
    import datetime

    support_status_record(
        actor=dsl, pupil=pupil, level=SupportLevel.CIN, starts_on=datetime.date(2026, 1, 5)
    )
    check_in_schedule_set(actor=dsl, pupil=pupil, trusted_adult=trusted_adult, cadence_days=None)
    return pupil


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
