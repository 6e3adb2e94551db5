"""Issue 14, item 9: the CSV export's formula guard catches full-width and spaced operators, and
text direction controls are taken out of exported cells."""

import csv
import io

import pytest
from django.urls import reverse

from chronology.exports import safe_csv_cell
from concerns.tests.factories import make_concern


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("https://evil.example")',
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        # Before the fix these went out as they were: spreadsheets fold them to = + - @.
        '＝HYPERLINK("https://evil.example")',
        "＋1",
        "－1",
        "＠SUM(A1)",
        "﹦1",
        " =1",
        "\u3000＝1",
    ],
)
def test_a_cell_that_a_spreadsheet_would_read_as_a_formula_is_neutralised(value):
    assert safe_csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Arrived without a coat.", "５ apples", "", "a=b", "Zoë"])
def test_ordinary_text_is_left_alone(value):
    assert safe_csv_cell(value) == value


def test_direction_controls_are_taken_out_of_a_cell():
    assert safe_csv_cell("Ava \u202eKcim\u202c said") == "Ava Kcim said"
    assert safe_csv_cell("\u202e=1") == "'=1"


@pytest.mark.django_db
def test_the_chronology_export_neutralises_a_full_width_formula(client_for, dsl, teacher, pupil):
    make_concern(author=teacher, pupil=pupil, facts='＝HYPERLINK("https://evil.example","x")')
    url = reverse("chronology:export", args=[pupil.pk, "csv"])
    body = client_for(dsl).get(url).content.decode()
    rows = list(csv.reader(io.StringIO(body.split("\n", 1)[1])))
    cells = [cell for row in rows for cell in row if "HYPERLINK" in cell]
    assert cells
    assert all(cell.startswith("'") for cell in cells)
