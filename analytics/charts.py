"""Charts as geometry: the same shapes are written as SVG for the page and drawn by reportlab in
the governors' PDF. No JavaScript; no inline styles (CSP): colours are SVG presentation
attributes, fonts come from the `cairn-chart` classes in ui/assets/cairn.scss.

Each chart carries a title and a text summary (its text alternative); the table it is drawn
from is printed beside it on the page and in the PDF. Colour is never the only cue: lines differ
in dash pattern and marker, and every bar has its value written at its end.
"""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from analytics.tables import WITHHELD, Cell, Table

# GOV.UK palette: blue, orange, dark grey, green (contrast ≥ 3:1 against white).
SERIES_COLOURS = ("#1d70b8", "#d4351c", "#505a5f", "#00703c")
DASHES = ("", "6 3", "2 2", "8 3 2 3")
TEXT = "#0b0c0c"
AXIS = "#505a5f"


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True, slots=True)
class Line:
    points: tuple[tuple[float, float], ...]
    stroke: str
    dash: str = ""
    width: float = 2


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start, middle, end
    size: float = 11
    bold: bool = False


@dataclass
class Chart:
    slug: str
    title: str
    summary: str
    width: float
    height: float
    shapes: list[Rect | Line | Text] = field(default_factory=list)

    def svg(self) -> SafeString:
        """The chart as an accessible SVG element (role img, labelled by title and summary)."""
        out = [
            f'<svg class="cairn-chart" viewBox="0 0 {self.width:g} {self.height:g}" '
            f'width="100%" role="img" aria-labelledby="chart-{self.slug}-title '
            f'chart-{self.slug}-desc" focusable="false">',
            f'<title id="chart-{self.slug}-title">{escape(self.title)}</title>',
            f'<desc id="chart-{self.slug}-desc">{escape(self.summary)}</desc>',
        ]
        for shape in self.shapes:
            if isinstance(shape, Rect):
                out.append(
                    f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.w:.1f}" '
                    f'height="{shape.h:.1f}" fill="{shape.fill}"/>'
                )
            elif isinstance(shape, Line):
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in shape.points)
                dash = f' stroke-dasharray="{shape.dash}"' if shape.dash else ""
                out.append(
                    f'<polyline points="{points}" fill="none" stroke="{shape.stroke}" '
                    f'stroke-width="{shape.width:g}"{dash}/>'
                )
            else:
                weight = ' font-weight="bold"' if shape.bold else ""
                out.append(
                    f'<text class="cairn-chart__text" x="{shape.x:.1f}" y="{shape.y:.1f}" '
                    f'text-anchor="{shape.anchor}" font-size="{shape.size:g}" fill="{TEXT}"'
                    f"{weight}>{escape(shape.text)}</text>"
                )
        out.append("</svg>")
        return mark_safe("".join(out))  # noqa: S308 (every text above is escaped)


def _nice_max(value: float, ticks: int = 4) -> float:
    """The smallest "nice" top of the axis at or above `value`, with whole-number ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if value <= step * ticks:
            return float(step * ticks)
    return float(value)


def line_chart(*, slug: str, title: str, table: Table, columns: list[int], empty: str) -> Chart:
    """One line per chosen column of `table` (rows are the x axis, e.g. months)."""
    width, height, left, right, top, bottom = 640.0, 300.0, 48.0, 40.0, 40.0, 48.0
    chart = Chart(slug, title, empty, width, height)
    months = [row[0].text for row in table.rows]
    series = [(table.columns[c], [row[c].number for row in table.rows]) for c in columns]
    values = [v for _name, vs in series for v in vs if v is not None]
    if not months or not values:
        chart.shapes.append(Text(width / 2, height / 2, empty, "middle"))
        return chart
    top_value = _nice_max(max(values) or 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(months) - 1, 1)

    def y_of(v: float) -> float:
        return top + plot_h - plot_h * v / top_value

    for tick in range(5):
        value = top_value * tick / 4
        chart.shapes.append(
            Line(((left, y_of(value)), (width - right, y_of(value))), "#b1b4b6", "", 1)
        )
        chart.shapes.append(Text(left - 6, y_of(value) + 4, f"{value:g}", "end", 10))
    every = max(1, len(months) // 8)
    for index, month in enumerate(months):
        if index % every == 0:
            chart.shapes.append(
                Text(left + index * step, height - bottom + 16, month, "middle", 10)
            )
    _legend(chart, [name for name, _vs in series], y=6, line=True)
    for number, (_name, vs) in enumerate(series):
        colour, dash = SERIES_COLOURS[number % 4], DASHES[number % 4]
        # A withheld value breaks the line: no point is drawn there, and none is implied.
        segment: list[tuple[float, float]] = []
        for i, v in enumerate([*vs, None]):
            if v is not None:
                segment.append((left + i * step, y_of(v)))
                continue
            if len(segment) == 1:
                x, y = segment[0]
                segment = [(x - 3, y), (x + 3, y)]
            if segment:
                chart.shapes.append(Line(tuple(segment), colour, dash, 3 if number == 1 else 2))
            segment = []
    parts = []
    for name, vs in series:
        shown = [v for v in vs if v is not None]
        latest = "not shown (small number)" if vs[-1] is None else f"{vs[-1]:g}"
        peak = f"highest {max(shown):g} a month" if shown else "no month shown"
        parts.append(f"{name}: {peak}, {latest} in the latest month")
    chart.summary = (
        f"Line chart of {title.lower()}, {months[0]} to {months[-1]}. " + "; ".join(parts) + "."
    )
    return chart


def _legend(chart: "Chart", series: list[str], *, y: float, line: bool = False) -> float:
    """Legend entries from the left edge, wrapping onto new rows; returns the next free y."""
    x = 10.0
    for number, name in enumerate(series):
        size = 40 + 6.5 * len(name)
        if x + size > chart.width and x > 10:
            x, y = 10.0, y + 20
        colour = SERIES_COLOURS[number % 4]
        if line:
            chart.shapes.append(Line(((x, y + 7), (x + 28, y + 7)), colour, DASHES[number % 4], 3))
            chart.shapes.append(Text(x + 34, y + 11, name, "start", 11))
        else:
            chart.shapes.append(Rect(x, y, 14, 14, colour))
            chart.shapes.append(Text(x + 20, y + 12, name, "start", 11))
        x += size
    return y + 28


Bar = tuple[float | None, str]


def bar_chart(
    *,
    slug: str,
    title: str,
    groups: list[tuple[str, str, list[Bar]]],
    series: list[str],
    empty: str,
    unit: str = "%",
) -> Chart:
    """Horizontal grouped bars: one group per row (under an optional section heading), one bar
    per series, its value written at its end (or the table's text where there is no number)."""
    bar, gap, group_gap, heading = 16.0, 3.0, 14.0, 24.0
    left, right = 230.0, 70.0
    width = 640.0
    chart = Chart(slug, title, empty, width, 80)
    if not groups:
        chart.shapes.append(Text(width / 2, 44, empty, "middle"))
        return chart
    values = [v for _s, _l, vs in groups for v, _t in vs if v is not None]
    top_value = 100.0 if unit == "%" else _nice_max(max(values, default=1) or 1)
    plot_w = width - left - right
    y = _legend(chart, series, y=6)
    axis_top = y - 4
    sentences = []
    section = ""
    for group_section, label, vs in groups:
        if group_section and group_section != section:
            section = group_section
            chart.shapes.append(Text(10, y + 14, section, "start", 12, True))
            y += heading
        chart.shapes.append(Text(left - 8, y + bar, _clip(label, 36), "end", 11))
        said = []
        for number, (value, text) in enumerate(vs):
            if value is None:
                chart.shapes.append(Text(left + 4, y + bar - 4, text, "start", 10))
                said.append(f"{series[number]} {text}")
            else:
                w = max(plot_w * value / top_value, 1.0)
                chart.shapes.append(Rect(left, y, w, bar, SERIES_COLOURS[number % 4]))
                chart.shapes.append(
                    Text(left + w + 4, y + bar - 4, f"{value:g}{unit}", "start", 10)
                )
                said.append(f"{series[number]} {value:g}{unit}")
            y += bar + gap
        y += group_gap
        name = f"{section} {label}" if section else label
        sentences.append(f"{name}: " + ", ".join(said))
    chart.shapes.append(Line(((left, axis_top), (left, y - group_gap)), AXIS, "", 1))
    chart.height = y + 4
    chart.summary = f"Bar chart of {title.lower()}. " + "; ".join(sentences) + "."
    return chart


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _bar(cell: Cell) -> Bar:
    return (cell.number, "not shown" if cell.text == WITHHELD else cell.text)


def dashboard_charts(tables: dict[str, Table]) -> dict[str, Chart]:
    """The dashboard's charts, each drawn from one of its tables."""
    charts: dict[str, Chart] = {}
    months = tables["concerns-by-month"]
    charts["concerns-by-month"] = line_chart(
        slug="concerns-by-month",
        title="Concerns each month, with neglect on its own line",
        table=months,
        columns=[1, 2],
        empty="No concerns were recorded in this period.",
    )
    household = tables["household-factors"]
    charts["household-factors"] = bar_chart(
        slug="household-factors",
        title="Household factors: this school beside national figures",
        groups=[
            ("", row[0].text, [_bar(row[2]), _bar(row[3]), _bar(row[4])]) for row in household.rows
        ],
        series=["Children with concerns here", "Serious case reviews 2017–19", "CIN assessments"],
        empty="No household factors to show.",
    )
    profile = tables["profile"]
    charts["profile"] = bar_chart(
        slug="profile",
        title="Children with concerns beside the roll",
        groups=[(row[0].text, row[1].text, [_bar(row[3]), _bar(row[5])]) for row in profile.rows],
        series=["Children with concerns", "The roll"],
        empty="No pupils on the roll in this period.",
    )
    expectations = tables["high-expectations"]
    charts["high-expectations"] = bar_chart(
        slug="high-expectations",
        title="Neglect concerns that led to a decision beyond monitoring",
        groups=[("", row[0].text, [_bar(row[4]), _bar(row[6])]) for row in expectations.rows],
        series=["Beyond monitoring", expectations.columns[6].replace("Per cent ", "")],
        empty="No neglect concerns in this period.",
    )
    attendance = tables["attendance"]
    charts["attendance"] = bar_chart(
        slug="attendance",
        title="Attendance of children with concerns and of all pupils",
        groups=[("", row[0].text, [_bar(row[2]), _bar(row[4])]) for row in attendance.rows],
        series=["Attendance", "Persistently absent"],
        empty="No registers for this period.",
    )
    return charts
