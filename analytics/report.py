"""The governors' termly report (PDF) and CSV exports of the dashboard's tables.

The PDF carries the governors' view only: small numbers suppressed, no child named. It reuses
the chronology export's page furniture (the OFFICIAL-SENSITIVE marking on every page and
"page N of M") and CSV-injection guard.
"""

import csv
import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.graphics.shapes import Drawing, PolyLine, String
from reportlab.graphics.shapes import Rect as PdfRect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from analytics.charts import Chart, Line, Rect, Text
from analytics.selectors import Dashboard
from analytics.tables import Table
from chronology.exports import MARKING, NumberedCanvas, safe_csv_cell

# The frame inside the margins, less reportlab's frame padding (6 pt each side).
FRAME_WIDTH = A4[0] - 30 * mm - 12
FRAME_HEIGHT = A4[1] - 38 * mm - 12 - 40  # room for a heading above the chart


def table_csv(*, table: Table, school: str, period: str, exported_by: str) -> str:
    out = io.StringIO()
    moment = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    out.write(f"# {MARKING}. {table.title}. {school}, {period}.\n")
    out.write(f"# Exported from Cairn by {exported_by} at {moment}.\n")
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([safe_csv_cell(cell.text) for cell in row])
    if table.withheld:
        out.write(f"# {table.withheld}\n")
    for note in table.notes:
        out.write(f"# {note}\n")
    return out.getvalue()


def _drawing(chart: Chart) -> Drawing:
    """The chart's shapes drawn by reportlab, scaled to the page width (y axis flipped)."""
    scale = min(float(FRAME_WIDTH) / chart.width, float(FRAME_HEIGHT) / chart.height)
    drawing = Drawing(chart.width * scale, chart.height * scale)

    def y(value: float) -> float:
        return (chart.height - value) * scale

    for shape in chart.shapes:
        if isinstance(shape, Rect):
            drawing.add(
                PdfRect(
                    shape.x * scale,
                    y(shape.y + shape.h),
                    shape.w * scale,
                    shape.h * scale,
                    fillColor=colors.HexColor(shape.fill),
                    strokeColor=None,
                )
            )
        elif isinstance(shape, Line):
            points: list[float] = []
            for px, py in shape.points:
                points += [px * scale, y(py)]
            dash = [float(d) for d in shape.dash.split()] if shape.dash else None
            drawing.add(
                PolyLine(
                    points,
                    strokeColor=colors.HexColor(shape.stroke),
                    strokeWidth=shape.width * scale,
                    strokeDashArray=dash,
                )
            )
        elif isinstance(shape, Text):
            drawing.add(
                String(
                    shape.x * scale,
                    y(shape.y),
                    shape.text,
                    fontName="Helvetica-Bold" if shape.bold else "Helvetica",
                    fontSize=shape.size * scale,
                    textAnchor=shape.anchor,
                )
            )
    return drawing


def _pdf_table(table: Table, small: ParagraphStyle, bold: ParagraphStyle) -> LongTable:
    rows: list[list[object]] = [[Paragraph(escape(c), bold) for c in table.columns]]
    for row in table.rows:
        rows.append([Paragraph(escape(cell.text), small) for cell in row])
    result = LongTable(rows, repeatRows=1, hAlign="LEFT")
    result.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return result


def governors_pdf(
    *, dashboard: Dashboard, school_name: str, actions_text: str, exported_by: str
) -> bytes:
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9)
    bold = ParagraphStyle("smallbold", parent=small, fontName="Helvetica-Bold")
    title = f"Safeguarding report to governors: {school_name}"
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Cairn",
        subject=MARKING,
    )
    moment = timezone.localtime().strftime("%d %b %Y %H:%M")
    below = dashboard.policy.below
    story: list[object] = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(escape(dashboard.period.label), styles["Heading2"]),
        Paragraph(
            escape(
                f"Prepared from Cairn by {exported_by} on {moment}. Totals only: no child is "
                f"named. Counts below {below} show as 'fewer than {below}' and percentages "
                f"from them are not shown. {MARKING}: share only with the governing board."
            ),
            body,
        ),
        Spacer(1, 4 * mm),
        Paragraph("Actions the DSL asks governors to take", styles["Heading2"]),
    ]
    for paragraph in (actions_text or "The DSL has not written any actions for this period.").split(
        "\n\n"
    ):
        story.append(Paragraph(escape(paragraph).replace("\n", "<br/>"), body))
    order = [
        "capacity",
        "key-figures",
        "concerns-by-month",
        "neglect-cooccurrence",
        "household-factors",
        "high-expectations",
        "profile",
        "attendance",
        "training-compliance",
        "what-went-well",
    ]
    for slug in order:
        table = dashboard.tables.get(slug)
        if table is None:
            continue
        chart = dashboard.charts.get(slug)
        block: list[object] = [Paragraph(escape(table.title), styles["Heading2"])]
        if chart is not None and not table.withheld:
            block += [
                _drawing(chart),
                Paragraph(escape(chart.summary), small),
                Spacer(1, 2 * mm),
            ]
        story.append(KeepTogether(block))
        if table.withheld:
            story.append(Paragraph(escape(table.withheld), body))
            continue
        story.append(_pdf_table(table, small, bold))
        story += [Paragraph(escape(note), small) for note in table.notes]
        if slug == "high-expectations":
            story.append(PageBreak())
    document.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()
