"""The period a dashboard covers: a reporting term, or any dates chosen.

Reporting terms are Cairn's own calendar convention, shown with their dates so nobody is misled:
autumn 1 September – 31 December, spring 1 January – 31 March, summer 1 April – 31 August.
A school whose terms differ picks its own dates.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms

_TERMS = (("autumn", "Autumn", (9, 1), (12, 31)), ("spring", "Spring", (1, 1), (3, 31)))
_SUMMER = ("summer", "Summer", (4, 1), (8, 31))


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date
    label: str
    term: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _term(slug: str) -> Period | None:
    try:
        year_text, name = slug.split("-", 1)
        first = int(year_text)
    except ValueError:
        return None
    for key, label, (sm, sd), (em, ed) in (*_TERMS, _SUMMER):
        if key != name:
            continue
        year = first if key == "autumn" else first + 1
        start, end = date(year, sm, sd), date(year, em, ed)
        text = f"{label} term {first}/{str(first + 1)[2:]} ({start:%-d %b %Y} to {end:%-d %b %Y})"
        return Period(start, end, text, slug)
    return None


def term_containing(day: date) -> Period:
    first = day.year if day.month >= 9 else day.year - 1
    name = "autumn" if day.month >= 9 else "spring" if day.month <= 3 else "summer"
    period = _term(f"{first}-{name}")
    assert period is not None
    return period


def recent_terms(today: date, count: int = 15) -> list[Period]:
    """The current term and the ones before it, newest first (five academic years)."""
    terms = []
    day = today
    for _ in range(count):
        term = term_containing(day)
        terms.append(term)
        day = term.start - timedelta(days=1)
    return terms


class PeriodForm(forms.Form):
    """GET parameters: `term` (e.g. 2025-autumn), or `start` and `end` dates (which win)."""

    term = forms.CharField(required=False, max_length=20)
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise forms.ValidationError("Enter both a start and an end date, or choose a term.")
        if start is not None and end is not None:
            assert isinstance(start, date)
            assert isinstance(end, date)
            if end < start:
                self.add_error("end", "The end date must be on or after the start date.")
            elif (end - start).days > 366 * 5:
                self.add_error("end", "Choose a period of five years or less.")
        term = data.get("term")
        if term and _term(str(term)) is None:
            self.add_error("term", "Choose a term from the list.")
        return data

    def period(self, today: date) -> Period:
        """The chosen period (the current term when nothing valid was chosen)."""
        if self.is_bound and self.is_valid():
            start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
            if start and end:
                return Period(start, end, f"{start:%-d %b %Y} to {end:%-d %b %Y}")
            term = self.cleaned_data.get("term")
            if term:
                chosen = _term(term)
                if chosen is not None:
                    return chosen
        return term_containing(today)
