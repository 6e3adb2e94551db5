"""What every persona gets from each chronology URL. Staff never open a child's chronology."""

from tests.access_table import Case, allow, child_level

_readers = ("dsl", "deputy_dsl", "headteacher")
_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731
_household = lambda w: {"pupil": [str(w.pupil.pk)]}  # noqa: E731

CASES = {
    "chronology:pupil": Case(child_level(allow(*_readers, other_school_dsl=404)), kwargs=_child),
    "chronology:export": Case(
        child_level(allow(*_readers, other_school_dsl=404)),
        kwargs=lambda w: {"pupil_id": w.pupil.pk, "fmt": "pdf"},
        variants=((lambda w: {"pupil_id": w.pupil.pk, "fmt": "csv"}, lambda w: {}),),
    ),
    "chronology:household": Case(
        child_level(allow(*_readers, other_school_dsl=404)), data=_household
    ),
    "chronology:household_export": Case(
        child_level(allow(*_readers, other_school_dsl=404)),
        kwargs=lambda w: {"fmt": "csv"},
        data=_household,
        variants=((lambda w: {"fmt": "pdf"}, _household),),
    ),
}
