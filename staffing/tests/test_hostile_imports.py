"""The training and practice reviews CSVs under hostile input: any bytes are either imported,
each value stored exactly as written, or refused whole with problems that name the line and
quote a bounded amount; after a refusal the tables hold what they held before."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.models import PracticeReview
from learning.services import practice_reviews_import
from staffing.models import TrainingRecord
from staffing.services import training_import

pytestmark = pytest.mark.django_db

_HOSTILE = st.sampled_from(
    [
        '=HYPERLINK("http://x")',
        "+SUM(1)",
        "\u202eevil\u202c",
        "a\x00b",
        "x" * 5000,
        "'; DROP TABLE staffing_trainingrecord; --",
        "",
    ]
)
_CELL = st.one_of(_HOSTILE, st.text(max_size=60))


def _file(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_CELL, min_size=4, max_size=4), min_size=1, max_size=4))
def test_training_import_is_all_or_nothing(dsl, teacher, rows):
    rows = [
        ["teacher@oakfield.example", r[1], r[2], r[3]] if i % 2 else r for i, r in enumerate(rows)
    ]
    content = _file(["email", "training", "completed_on", "provider"], rows)
    before = TrainingRecord.objects.count()
    try:
        count = training_import(actor=dsl, content=content)
    except ValidationError as error:
        assert TrainingRecord.objects.count() == before
        for message in error.messages:
            assert message.startswith(("Line ", "The file")), message
            assert len(message) < 2000
    else:
        assert TrainingRecord.objects.count() == before + count
        stored = set(TrainingRecord.objects.values_list("provider", flat=True))
        assert {r[3].strip() for r in rows} <= stored


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_CELL, min_size=6, max_size=6), min_size=1, max_size=4))
def test_practice_reviews_import_is_all_or_nothing(dsl, rows):
    header = ["title", "publisher", "published_on", "link", "key_learning", "themes"]
    before = PracticeReview.objects.count()
    try:
        count = practice_reviews_import(actor=dsl, content=_file(header, rows))
    except ValidationError as error:
        assert PracticeReview.objects.count() == before
        for message in error.messages:
            assert message.startswith(("Line ", "The file")), message
            assert len(message) < 2000
    else:
        assert PracticeReview.objects.count() == before + count
        titles = set(PracticeReview.objects.values_list("title", flat=True))
        assert {r[0].strip() for r in rows} <= titles


def test_formula_and_direction_characters_are_stored_as_written(dsl, teacher):
    content = _file(
        ["email", "training", "completed_on", "provider"],
        [["teacher@oakfield.example", "neglect", "2025-09-01", "=1+1 \u202eevil"]],
    )
    assert training_import(actor=dsl, content=content) == 1
    assert TrainingRecord.objects.get().provider == "=1+1 \u202eevil"
