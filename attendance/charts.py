"""Geometry for the server-rendered SVG charts of a pupil's attendance (no JavaScript).

Each chart has a data table behind it on the page, and a text summary; colour is never the
only way the information is given.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.dateformat import format as date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from attendance.selectors import DayMarks, WeekPoint

CELL = 14
GAP = 2
LEFT = 34
TOP = 18
LEVEL_LABELS = {
    "present": "Present or approved activity",
    "aea": "Approved educational activity",
    "authorised": "Authorised absence",
    "unauthorised": "Unexplained (unauthorised) absence",
    "none": "No session counted",
}
# GOV.UK colour palette, with a text equivalent for each in the legend and table.
LEVEL_COLOURS = {
    "present": "#00703c",
    "aea": "#1d70b8",
    "authorised": "#f47738",
    "unauthorised": "#d4351c",
    "none": "#b1b4b6",
}


@dataclass(frozen=True, slots=True)
class Cell:
    x: int
    y: int
    colour: str
    title: str


@dataclass(frozen=True, slots=True)
class Label:
    x: int
    y: int
    text: str


@dataclass(frozen=True, slots=True)
class HeatMap:
    width: int
    height: int
    cells: list[Cell]
    months: list[Label]
    weekdays: list[Label]
    legend: list[tuple[str, str]]


def heat_map(days: list[DayMarks], start: date, end: date) -> HeatMap:
    """One column per week, one row per weekday; each school day coloured by its worst mark."""
    first_monday = start - timedelta(days=start.weekday())
    weeks = (end - first_monday).days // 7 + 1
    cells = []
    months: list[Label] = []
    seen_months: set[tuple[int, int]] = set()
    for day in days:
        column = (day.day - first_monday).days // 7
        x = LEFT + column * (CELL + GAP)
        y = TOP + day.day.weekday() * (CELL + GAP)
        title = f"{day.day:%a %-d %b %Y}: AM {day.am or 'none'}, PM {day.pm or 'none'}"
        cells.append(Cell(x, y, LEVEL_COLOURS[day.level], f"{title} ({LEVEL_LABELS[day.level]})"))
        if (day.day.year, day.day.month) not in seen_months:
            seen_months.add((day.day.year, day.day.month))
            months.append(Label(x, TOP - 6, f"{day.day:%b}"))
    weekdays = [
        Label(0, TOP + i * (CELL + GAP) + CELL - 3, name)
        for i, name in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri"])
    ]
    return HeatMap(
        width=LEFT + weeks * (CELL + GAP),
        height=TOP + 5 * (CELL + GAP),
        cells=cells,
        months=months,
        weekdays=weekdays,
        legend=[(LEVEL_COLOURS[k], v) for k, v in LEVEL_LABELS.items() if k != "aea"],
    )


def cells_svg(cells: list[Cell]) -> SafeString:
    """The heat map's squares as SVG, one per school day. Built here rather than by a loop in
    the template: a year has up to 195 school days, and the loop was a tenth of the front
    sheet's rendering (docs/performance.md)."""
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="14" height="14" fill="{}"><title>{}</title></rect>',
        ((c.x, c.y, c.colour, c.title) for c in cells),
    )


def day_rows_html(days: list[DayMarks]) -> SafeString:
    """The rows of the table behind the heat map: each day and its two marks (as `cells_svg`)."""
    return format_html_join(
        "",
        '<tr class="govuk-table__row"><td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td></tr>',
        ((date_format(d.day, "D j M Y"), d.am or "–", d.pm or "–") for d in days),
    )


@dataclass(frozen=True, slots=True)
class TrendLine:
    width: int
    height: int
    points: str
    threshold_y: float
    severe_y: float
    dots: list[Cell]
    x_labels: list[Label]
    y_labels: list[Label]


def trend_line(
    weeks: list[WeekPoint], *, persistent_percent: int, severe_percent: int
) -> TrendLine:
    """Attendance over the four weeks ending each week, against the absence thresholds."""
    width, height, left, top, plot_h = 640, 200, 40, 10, 160
    usable = [w for w in weeks if w.rolling_rate is not None]
    step = (width - left - 10) / max(1, len(usable) - 1)

    def y_of(rate: float) -> float:
        return round(top + plot_h * (100 - rate) / 100, 1)

    dots = []
    coordinates = []
    labels: list[Label] = []
    last_month = 0
    for i, week in enumerate(usable):
        assert week.rolling_rate is not None
        x = round(left + i * step)
        y = y_of(week.rolling_rate)
        coordinates.append(f"{x},{y}")
        dots.append(
            Cell(
                x,
                int(y),
                "#1d70b8",
                f"Four weeks to {week.week_start:%-d %b}: {week.rolling_rate}%",
            )
        )
        month_start = week.week_start + timedelta(days=4)  # the week's Friday names its month
        if month_start.month != last_month and (not labels or x - labels[-1].x >= 30):
            last_month = month_start.month
            labels.append(Label(x, top + plot_h + 16, f"{month_start:%b}"))
    return TrendLine(
        width=width,
        height=height,
        points=" ".join(coordinates),
        threshold_y=y_of(100 - persistent_percent),
        severe_y=y_of(100 - severe_percent),
        dots=dots,
        x_labels=labels,
        y_labels=[Label(0, int(y_of(v)) + 4, f"{v}%") for v in (100, 75, 50, 25, 0)],
    )
