"""What every persona gets from each chronology URL. Staff never open a child's chronology."""

from tests.access_table import Case, allow

_readers = ("dsl", "deputy_dsl", "headteacher")
_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731
_household = lambda w: {"pupil": [str(w.pupil.pk)]}  # noqa: E731

CASES = {
    "chronology:pupil": Case(allow(*_readers, trust_lead=404, other_school_dsl=404), kwargs=_child),
    "chronology:export": Case(
        allow(*_readers, trust_lead=404, other_school_dsl=404),
        kwargs=lambda w: {"pupil_id": w.pupil.pk, "fmt": "pdf"},
    ),
    "chronology:household": Case(
        allow(*_readers, trust_lead=404, other_school_dsl=404), data=_household
    ),
    "chronology:household_export": Case(
        allow(*_readers, trust_lead=404, other_school_dsl=404),
        kwargs=lambda w: {"fmt": "csv"},
        data=_household,
    ),
}
