"""A chronology as CSV or PDF. Both carry the OFFICIAL-SENSITIVE marking and who exported it.

Redaction replaces staff names in the author column with their role in the record ("Staff");
free text is not altered, so the exporter is told to read it before sharing (people decide:
domain README, rule 5; third-party redaction is reviewed by a person, records-and-access.md §10).
"""

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from chronology.entries import Entry
from pupils.models import Pupil

MARKING = "OFFICIAL-SENSITIVE"
REDACTED = "[staff name redacted]"
# Authors that are not staff names and so are never redacted.
_NOT_STAFF = frozenset({"Police (Operation Encompass)", ""})

CSV_COLUMNS = [
    "child",
    "upn",
    "occurred_at",
    "recorded_at",
    "kind",
    "title",
    "summary",
    "categories",
    "author",
    "significant",
]


def _author(entry: Entry, *, redact: bool) -> str:
    if redact and entry.author not in _NOT_STAFF:
        return REDACTED
    return entry.author


def _title(entry: Entry, *, redact: bool) -> str:
    """The entry's title; without staff names, those it names (an action's assignee) removed."""
    title = entry.title
    if redact:
        for name in entry.staff_in_title:
            if name:
                title = title.replace(name, REDACTED)
    return title


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def safe_csv_cell(value: str) -> str:
    """Stop a spreadsheet reading a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def chronology_csv(
    *, pupils: Sequence[Pupil], entries: Sequence[Entry], redact: bool, exported_by: str
) -> str:
    names = {p.pk: p for p in pupils}
    out = io.StringIO()
    out.write(f"# {MARKING}. Exported from Cairn by {exported_by} at {_local(timezone.now())}.\n")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        pupil = names.get(entry.pupil_id)
        writer.writerow(
            [
                safe_csv_cell(v)
                for v in (
                    pupil.display_name if pupil else "",
                    pupil.upn if pupil else "",
                    _local(entry.occurred_at),
                    _local(entry.recorded_at),
                    entry.kind_label,
                    _title(entry, redact=redact),
                    entry.summary,
                    "; ".join(entry.categories),
                    _author(entry, redact=redact),
                    "yes" if entry.significant else "no",
                )
            ]
        )
    return out.getvalue()


class NumberedCanvas(Canvas):  # type: ignore[misc]
    """Draws the marking at the top and bottom of every page, and "page N of M"."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, object]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        width, height = A4
        self.setFont("Helvetica-Bold", 10)
        self.setFillColor(colors.black)
        self.drawCentredString(width / 2, height - 12 * mm, MARKING)
        self.drawCentredString(width / 2, 8 * mm, MARKING)
        self.setFont("Helvetica", 8)
        self.drawRightString(width - 15 * mm, 8 * mm, f"Page {self._pageNumber} of {total}")


def chronology_pdf(
    *,
    pupils: Sequence[Pupil],
    entries: Sequence[Entry],
    redact: bool,
    exported_by: str,
    school_name: str,
) -> bytes:
    buffer = io.BytesIO()
    names = {p.pk: p.display_name for p in pupils}
    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["BodyText"], fontSize=8, leading=10)
    bold = ParagraphStyle("smallbold", parent=small, fontName="Helvetica-Bold")
    title = ", ".join(p.display_name for p in pupils)
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=f"Chronology: {title}",
        author="Cairn",
        subject=MARKING,
    )
    story: list[object] = [
        Paragraph(escape(f"Chronology: {title}"), styles["Heading1"]),
        Paragraph(
            escape(
                f"{school_name}. Exported by {exported_by} on {_local(timezone.now())}. "
                f"{len(entries)} entries, newest first. {MARKING}: share only with those who "
                "need to know."
            ),
            small,
        ),
    ]
    if redact:
        story.append(
            Paragraph(
                "Staff names have been removed from the author column and from action "
                "titles. Free text is not changed: read it and remove any other names "
                "before sharing.",
                bold,
            )
        )
    story.append(Spacer(1, 4 * mm))
    rows: list[list[object]] = [
        [Paragraph(h, bold) for h in ("When", "Child", "Record", "Written by")]
    ]
    marked: list[int] = []
    for number, entry in enumerate(entries, start=1):
        text = f"<b>{escape(entry.kind_label)}: {escape(_title(entry, redact=redact))}</b>"
        if entry.significant:
            text = "<b>[Significant]</b> " + text
            marked.append(number)
        if entry.categories:
            text += f"<br/><i>{escape(', '.join(entry.categories))}</i>"
        if entry.summary:
            text += f"<br/>{escape(entry.summary)}"
        rows.append(
            [
                Paragraph(escape(_local(entry.occurred_at)), small),
                Paragraph(escape(names.get(entry.pupil_id, "")), small),
                Paragraph(text, small),
                Paragraph(escape(_author(entry, redact=redact)), small),
            ]
        )
    table = LongTable(rows, colWidths=[28 * mm, 30 * mm, 96 * mm, 26 * mm], repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    style.extend(("BACKGROUND", (0, n), (-1, n), colors.whitesmoke) for n in marked)
    table.setStyle(TableStyle(style))
    story.append(table)
    document.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()
