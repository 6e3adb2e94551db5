"""What the importers share: line-numbered errors and looking a child up by UPN."""

from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

from django.utils import timezone

from audit.bounds import quoted
from pupils.models import FormerUPN, Pupil


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", field {quoted(self.field)}" if self.field else "")
        return f"{where}: {self.message}"


class BadLine(Exception):  # noqa: N818 (carries one line's error, as ImportFailed carries many)
    """One line of an import is wrong: raised by a record kind's check."""

    def __init__(self, error: LineError) -> None:
        super().__init__(str(error))
        self.error = error


class ImportFailed(Exception):  # noqa: N818 (reads better at the call site)
    """The file has errors; nothing was written."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class PupilLookup:
    """UPN → pupil, current or former UPN, within the pupils the importer may write about."""

    def __init__(self, pupils: "dict[str, Pupil]") -> None:
        self._by_upn = pupils

    @classmethod
    def for_school(cls, school_id: UUID) -> "PupilLookup":
        pupils = {p.upn: p for p in Pupil.objects.filter(enrolments__school_id=school_id)}
        for former in FormerUPN.objects.filter(pupil__in=list(pupils.values())).select_related(
            "pupil"
        ):
            pupils.setdefault(former.upn, former.pupil)
        return cls(pupils)

    def add(self, upn: str, pupil: Pupil) -> None:
        """A child an earlier line of the same file brings (written before the lines after it)."""
        self._by_upn[upn.strip().upper()] = pupil

    def get(self, upn: str) -> Pupil | None:
        return self._by_upn.get(upn.strip().upper())


def parse_datetime(raw: str) -> datetime:
    """ISO 8601 date-time (with or without offset; UK local time if none) or a bare date."""
    value = raw.strip()
    if not value:
        raise ValueError("is empty")
    try:
        if len(value) == 10:
            return timezone.make_aware(datetime.combine(date.fromisoformat(value), time(12, 0)))
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{quoted(value)} is not an ISO 8601 date or date-time") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
