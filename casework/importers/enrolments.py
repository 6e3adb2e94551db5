"""Children and their enrolments (with statuses and former UPNs), in the history import and
export."""

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q

from casework.importers.held import as_moment, compact, iso_value, line_head, school_of
from concerns.importers.common import BadLine, LineError
from concerns.importers.history_values import (
    read_bool,
    read_date,
    read_items,
    read_moment,
    read_text,
)
from pupils.models import Enrolment, FormerUPN, Pupil, PupilStatus
from schools.models import Membership

PUPIL_FIELDS = (
    "legal_forename",
    "legal_surname",
    "preferred_forename",
    "preferred_surname",
    "middle_names",
    "date_of_birth",
    "sex",
    "ethnicity",
    "year_group",
    "eal",
    "sen_status",
    "disability",
    "free_school_meals",
    "disadvantaged",
    "looked_after",
    "previously_looked_after",
    "young_carer",
    "care_authority",
    "social_care_status",
    "social_care_status_from",
    "social_care_status_to",
)


_PUPIL_DATES = ("date_of_birth", "social_care_status_from", "social_care_status_to")


_PUPIL_FLAGS = (
    "eal",
    "disability",
    "free_school_meals",
    "disadvantaged",
    "looked_after",
    "previously_looked_after",
    "young_carer",
)


class _EnrolmentKind:
    """A child on the school's roll from `occurred_at` (the start date) to `end_date`, with the
    child's details (`pupil`) so that a school's history imports into an empty Cairn; a child
    already in Cairn (same UPN) keeps the details it has. `statuses` are the child's dated
    statuses, `former_upns` the UPNs the child had before."""

    kind = "enrolment"
    columns = ("pupil", "end_date", "end_reason", "statuses", "former_upns")
    targets = ()
    first = True  # written before every other kind, so the children are there

    def new_pupil(self, line: int, raw: dict[str, Any]) -> Pupil:
        upn = read_text(raw.get("upn"), line, "upn", required=True, limit=13).upper()
        known = Pupil.objects.filter(upn=upn).first()
        if known is not None:
            return known
        details = raw.get("pupil")
        if not isinstance(details, dict):
            raise BadLine(LineError(line, "pupil", "is required for a child not yet in Cairn"))
        values: dict[str, Any] = {}
        for name in PUPIL_FIELDS:
            value = details.get(name)
            if name in _PUPIL_DATES:
                values[name] = read_date(value, line, f"pupil.{name}")
            elif name in _PUPIL_FLAGS:
                values[name] = bool(read_bool(value, line, f"pupil.{name}"))
            elif value not in (None, ""):
                values[name] = read_text(value, line, f"pupil.{name}", required=False, limit=200)
        pupil = Pupil(upn=upn, **values)
        try:
            pupil.full_clean(validate_unique=False)
        except ValidationError as error:
            name, messages = next(iter(error.message_dict.items()))
            raise BadLine(LineError(line, f"pupil.{name}", messages[0])) from error
        return pupil

    def check(
        self, line: int, raw: dict[str, Any], *, pupil: Pupil, school_id: UUID
    ) -> dict[str, Any] | None:
        start = read_moment(raw.get("occurred_at"), line, "occurred_at").date()
        end = read_date(raw.get("end_date"), line, "end_date")
        if end is not None and end < start:
            raise BadLine(LineError(line, "end_date", "is before the start (occurred_at)"))
        reason = str(raw.get("end_reason") or "")
        if reason and end is None:
            raise BadLine(LineError(line, "end_reason", "needs an end_date"))
        statuses = []
        for number, item in read_items(raw, line, "statuses"):
            where = f"statuses[{number}]"
            started = read_date(item.get("started_on"), line, f"{where}.started_on")
            ended = read_date(item.get("ended_on"), line, f"{where}.ended_on")
            if started and ended and ended < started:
                raise BadLine(LineError(line, f"{where}.ended_on", "is before started_on"))
            statuses.append(
                {
                    "kind": read_text(
                        item.get("kind"), line, f"{where}.kind", required=True, limit=30
                    ),
                    "started_on": started,
                    "ended_on": ended,
                    "source": read_text(
                        item.get("source"), line, f"{where}.source", required=False, limit=10
                    )
                    or "csv",
                }
            )
        former = raw.get("former_upns", [])
        if not isinstance(former, list) or not all(isinstance(u, str) for u in former):
            raise BadLine(LineError(line, "former_upns", "must be a list of UPNs"))
        overlapping = Enrolment.objects.filter(pupil_id=pupil.pk, school_id=school_id).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start)
        )
        if end is not None:
            overlapping = overlapping.filter(start_date__lte=end)
        if overlapping.exists():
            return None  # the child is on the roll for that time already (from the MIS)
        return {
            "start": start,
            "end": end,
            "reason": reason,
            "statuses": statuses,
            "former_upns": [u.strip().upper() for u in former],
        }

    def write(self, record: Any, *, actor: Membership, source_system: str, authors: Any) -> None:
        pupil, fields = record.pupil, record.fields
        if pupil._state.adding:
            pupil.save()
        enrolment = Enrolment(
            pupil=pupil,
            school_id=school_of(actor),
            start_date=fields["start"],
            end_date=fields["end"],
            end_reason=fields["reason"],
        )
        enrolment.full_clean(exclude=["pupil", "school"], validate_unique=False)
        if (
            enrolment.end_date is None
            and Enrolment.objects.filter(
                pupil=pupil, school_id=school_of(actor), end_date__isnull=True
            ).exists()
        ):
            raise ValidationError({"end_date": "the child is on the roll already"})
        enrolment.save()
        held = set(PupilStatus.objects.filter(pupil=pupil).values_list("kind", "started_on"))
        for status in fields["statuses"]:
            if (status["kind"], status["started_on"]) in held:
                continue
            row = PupilStatus(pupil=pupil, **status)
            row.full_clean(exclude=["pupil"], validate_unique=False)
            row.save()
        known = set(FormerUPN.objects.filter(pupil=pupil).values_list("upn", flat=True))
        for upn in fields["former_upns"]:
            if upn not in known:
                FormerUPN.objects.create(pupil=pupil, upn=upn)

    def export(self, school_id: UUID, *, names: Any = None) -> Iterator[dict[str, Any]]:
        rows = (
            Enrolment.objects.filter(school_id=school_id)
            .select_related("pupil")
            .prefetch_related("pupil__statuses", "pupil__former_upns")
            .order_by("start_date", "pupil__upn")
        )
        left = set(
            Enrolment.objects.filter(school_id=school_id, leaving__isnull=False).values_list(
                "pk", flat=True
            )
        )
        for enrolment in rows:
            pupil = enrolment.pupil
            details = {
                name: iso_value(value) if isinstance(value, date) else value
                for name in PUPIL_FIELDS
                if (value := getattr(pupil, name)) not in ("", None)
            }
            ended = enrolment.pk not in left  # a leaving line ends it, with its reason
            yield compact(
                {
                    **line_head(
                        "enrolment",
                        pupil,
                        as_moment(enrolment.start_date),
                        as_moment(enrolment.start_date),
                        {"name": "School roll", "role": ""},
                    ),
                    "text": "",
                    "pupil": details,
                    "end_date": iso_value(enrolment.end_date) if ended else None,
                    "end_reason": enrolment.end_reason if ended else "",
                    "statuses": [
                        compact(
                            {
                                "kind": s.kind,
                                "started_on": iso_value(s.started_on),
                                "ended_on": iso_value(s.ended_on),
                                "source": s.source,
                            }
                        )
                        for s in sorted(
                            pupil.statuses.all(), key=lambda s: (s.kind, str(s.started_on))
                        )
                    ],
                    "former_upns": sorted(f.upn for f in pupil.former_upns.all()),
                }
            )


ENROLMENT = _EnrolmentKind()
