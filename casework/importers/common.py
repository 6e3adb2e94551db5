"""What every casework kind in the history import shares: reading a field of a line (text that
fits, a date, a number, a list, a person), who wrote a record, and `Kind`, which reads, saves and
dumps one kind of record."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.utils import timezone

from casework.models import (
    AgencyContact,
    AgreedAbsence,
    HouseholdChild,
    Meeting,
    Plan,
)
from casework.services._common import Imported
from casework.services.meetings import report_path
from concerns.importers.common import BadLine, LineError, parse_datetime
from pupils.models import Pupil
from schools.models import Membership

MAX_TEXT = 50_000


def field_text(raw: dict[str, Any], line: int, name: str, *, limit: int = MAX_TEXT) -> str:
    value = raw.get(name)
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise BadLine(LineError(line, name, "must be text"))
    if len(value) > limit:
        raise BadLine(LineError(line, name, f"is longer than {limit} characters"))
    return value.strip()


def field_date(raw: dict[str, Any], line: int, name: str) -> date | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise BadLine(LineError(line, name, "is not a date (YYYY-MM-DD)")) from exc


def field_int(raw: dict[str, Any], line: int, name: str) -> int:
    value = raw.get(name, 0)
    if value in (None, ""):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise BadLine(LineError(line, name, "must be a whole number of minutes")) from exc


def field_list(raw: dict[str, Any], line: int, name: str) -> list[str]:
    value = raw.get(name, [])
    if isinstance(value, str):  # CSV: codes separated by ";"
        return [v.strip() for v in value.split(";") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadLine(LineError(line, name, "must be a list of codes"))
    return value


def author_fields(obj: Any, member: Membership, names: Any) -> dict[str, str]:
    """The author as the old system had it (kept when imported), else the Cairn member."""
    if names is not None:
        author: dict[str, str] = names.of(obj, member)
        return author
    return {"name": member.user.full_name, "role": member.get_role_display()}


class Names:
    """The export's author names (AuthorNames), for the parts of a record a dump writes."""

    current: Any = None


def by_fields(obj: Any, member: Membership) -> dict[str, str]:
    """Who wrote a part of a record (an answer, an ending, a sighting), as the file has it."""
    return author_fields(obj, member, Names.current)


def field_person(
    item: dict[str, Any], line: int, name: str, where: str = ""
) -> tuple[str, str] | None:
    """A person (`{name, role}`) on a part of a record, if the line gives one."""
    value = item.get(name)
    if value in (None, ""):
        return None
    label = f"{where}.{name}" if where else name
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise BadLine(LineError(line, label, "must be an object with name and role"))
    role = value.get("role") or ""
    if not isinstance(role, str):
        raise BadLine(LineError(line, f"{label}.role", "must be text"))
    return value["name"].strip()[:200], role.strip()[:100]


SUB_TARGETS = (
    "casework.agencyresponse",
    "casework.planending",
    "casework.childsighting",
    "casework.absencereturn",
    "casework.escalationstage",
    "casework.escalationoutcome",
)


def keep_parts(saved: Any, fields: dict[str, Any], record: Any, authors: Any) -> None:
    """Keep the author of each part of a record written later, in the order the line has them."""
    default = (record.author_name, record.author_role)
    pairs: list[tuple[Any, Any]] = []
    if isinstance(saved, AgencyContact):
        answers = saved.responses.order_by("recorded_at", "pk")
        pairs = list(zip(answers, [r["author"] for r in fields["responses"]], strict=False))
    elif isinstance(saved, Plan) and (ending := saved.ending_or_none) is not None:
        pairs = [(ending, fields["ended_by"])]
    elif isinstance(saved, HouseholdChild):
        seen = saved.sightings.order_by("recorded_at", "pk")
        pairs = list(zip(seen, [x["author"] for x in fields["sightings"]] or [None], strict=False))
    elif isinstance(saved, AgreedAbsence) and (back := saved.return_or_none) is not None:
        pairs = [(back, fields["returned_by"])]
    for part, person in pairs:
        authors.keep(part, *(person or default))


@dataclass(frozen=True)
class Kind:
    """One casework kind: its name in the file, its model (for `source_ref`), and how to read
    and write a line."""

    kind: str
    model: Any
    read: Callable[[dict[str, Any], int], dict[str, Any]]
    save: Callable[..., object]
    columns: tuple[str, ...] = ()  # the CSV columns this kind adds
    # For export_history: the day a record happened, and its own fields as the file has them.
    day: Callable[[Any], date] = lambda obj: obj.recorded_at.date()
    dump: Callable[[Any], tuple[str, dict[str, Any]]] = lambda _obj: ("", {})

    def check(
        self, line: int, raw: dict[str, Any], *, pupil: Pupil, school_id: UUID
    ) -> dict[str, Any] | None:
        ref = field_text(raw, line, "source_ref", limit=200)
        if not ref:
            raise BadLine(LineError(line, "source_ref", "is required for this kind"))
        if self.model.objects.filter(school_id=school_id, source_ref=ref).exists():
            return None
        return {"source_ref": ref, **self.read(raw, line)}

    @property
    def targets(self) -> tuple[str, ...]:
        return (f"{self.model._meta.app_label}.{self.model._meta.model_name}", *SUB_TARGETS)

    def export(self, school_id: UUID, *, names: Any = None) -> Iterator[dict[str, Any]]:
        """The school's records of this kind as lines of the import format."""
        rows = (
            self.model.objects.filter(school_id=school_id)
            .select_related("pupil", "recorded_by__user")
            .order_by("recorded_at", "pk")
        )
        Names.current = names
        for obj in rows:
            text, fields = self.dump(obj)
            start = timezone.make_aware(datetime.combine(self.day(obj), time(0, 0)))
            yield {
                "kind": self.kind,
                "upn": obj.pupil.upn,
                "occurred_at": start.isoformat(),
                "written_at": timezone.localtime(max(obj.recorded_at, start)).isoformat(),
                "author": author_fields(obj, obj.recorded_by, names),
                "text": text,
                "source_ref": obj.source_ref or f"cairn-{obj.pk}",
                **{k: v for k, v in fields.items() if v not in ("", None, [])},
            }

    def write(
        self, record: Any, *, actor: Membership, source_system: str, authors: Any = None
    ) -> None:
        fields = dict(record.fields)
        imported = Imported(source_ref=fields.pop("source_ref"), written_at=record.written_at)
        people = {k: fields.pop(k) for k in ("ended_by", "returned_by") if k in fields}
        saved = self.save(
            actor=actor,
            pupil=record.pupil,
            on=record.occurred_at.date(),
            text=record.text,
            imported=imported,
            **fields,
        )
        if authors is not None:
            authors.keep(saved, record.author_name, record.author_role)
            keep_parts(saved, {**record.fields, **people}, record, authors)
            if isinstance(saved, Meeting):  # its reports' files go if the import is refused
                authors.files.extend(report_path(r) for r in saved.reports.all())


def field_agrees(raw: dict[str, Any], line: int, name: str) -> bool | None:
    agrees = raw.get("school_agrees")
    if isinstance(agrees, str):
        agrees = {"yes": True, "no": False, "true": True, "false": False, "": None}.get(
            agrees.lower(), "bad"
        )
    if agrees not in (True, False, None):
        raise BadLine(LineError(line, name, "must be true or false"))
    return agrees


def field_moment(raw: dict[str, Any], line: int, name: str, *, where: str = "") -> datetime | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    try:
        moment = parse_datetime(str(value))
    except ValueError as exc:
        raise BadLine(LineError(line, f"{where}.{name}" if where else name, str(exc))) from exc
    if moment > timezone.now():
        raise BadLine(LineError(line, f"{where}.{name}" if where else name, "is in the future"))
    return moment


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def when_iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None
