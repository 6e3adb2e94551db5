"""Known factors (Children in Need assessment factors) and support statuses in the history import
and export."""

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError

from casework.importers.held import (
    as_moment,
    compact,
    ever_on_roll_check,
    iso_value,
    line_head,
    read_choice,
    school_of,
    written_at,
)
from concerns.importers.common import BadLine, LineError
from concerns.importers.history_values import (
    read_date,
    read_moment,
    read_person,
    read_text,
)
from factors.codes import validate_code
from factors.models import FactorSource, KnownFactor, KnownFactorWithdrawal
from pupils.models import Pupil
from schools.models import Membership
from voice.models import (
    SupportLevel,
    SupportStatus,
)


class _FactorKind:
    """A known factor (a Children in Need assessment factor code), known from `occurred_at`, with
    its withdrawal if it was withdrawn."""

    kind = "known_factor"
    columns = (
        "factor_code",
        "factor_source",
        "known_from",
        "withdrawn_at",
        "withdrawal_reason",
        "withdrawn_by",
    )
    targets = ("factors.knownfactor", "factors.knownfactorwithdrawal")

    def check(
        self, line: int, raw: dict[str, Any], *, pupil: Pupil, school_id: UUID
    ) -> dict[str, Any] | None:
        try:
            code = validate_code(str(raw.get("factor_code") or ""))
        except ValidationError as error:
            raise BadLine(LineError(line, "factor_code", error.messages[0])) from error
        source = read_choice(raw, line, "factor_source", FactorSource)
        written = written_at(raw, line)
        withdrawal = None
        if raw.get("withdrawn_at"):
            when = read_moment(raw["withdrawn_at"], line, "withdrawn_at")
            if when < written:
                raise BadLine(LineError(line, "withdrawn_at", "is before the factor was written"))
            withdrawal = {
                "at": when,
                "reason": read_text(
                    raw.get("withdrawal_reason"), line, "withdrawal_reason", required=True
                ),
                "by": read_person(raw, line, "withdrawn_by"),
            }
        if KnownFactor.objects.filter(
            pupil_id=pupil.pk, school_id=school_id, code=code, recorded_at=written
        ).exists():
            return None
        # When the school learned of it: `known_from`, else the day it happened.
        known_from = read_date(raw.get("known_from"), line, "known_from")
        return {"code": code, "source": source, "withdrawal": withdrawal, "known_from": known_from}

    def write(self, record: Any, *, actor: Membership, source_system: str, authors: Any) -> None:
        ever_on_roll_check(record.pupil, school_of(actor))
        fields = record.fields
        factor = KnownFactor.objects.create(
            school_id=school_of(actor),
            pupil=record.pupil,
            code=fields["code"],
            source=fields["source"],
            known_from=fields["known_from"] or record.occurred_at.date(),
            note=record.text,
            recorded_by=authors.member(record.author_name),
            recorded_at=record.written_at,
        )
        authors.keep(factor, record.author_name, record.author_role)
        if fields["withdrawal"]:
            done = fields["withdrawal"]
            withdrawal = KnownFactorWithdrawal.objects.create(
                factor=factor,
                reason=done["reason"],
                withdrawn_by=authors.member(done["by"][0]),
                withdrawn_at=done["at"],
            )
            authors.keep(withdrawal, *done["by"])

    def export(self, school_id: UUID, *, names: Any) -> Iterator[dict[str, Any]]:
        rows = (
            KnownFactor.objects.filter(school_id=school_id)
            .select_related("pupil", "recorded_by__user", "withdrawal__withdrawn_by__user")
            .order_by("recorded_at", "pk")
        )
        for f in rows:
            w = getattr(f, "withdrawal", None)
            yield compact(
                {
                    **line_head(
                        self.kind,
                        f.pupil,
                        min(f.recorded_at, as_moment(f.known_from)),
                        f.recorded_at,
                        names.of(f, f.recorded_by),
                    ),
                    "known_from": iso_value(f.known_from),
                    "text": f.note,
                    "factor_code": f.code,
                    "factor_source": f.source,
                    "withdrawn_at": iso_value(w.withdrawn_at) if w else None,
                    "withdrawal_reason": w.reason if w else "",
                    "withdrawn_by": names.of(w, w.withdrawn_by) if w else None,
                }
            )


KNOWN_FACTOR = _FactorKind()


class _SupportStatusKind:
    """The child's support level for check-ins (`occurred_at` the day it starts; `ends_on`)."""

    kind = "support_status"
    columns = ("level", "ends_on")
    targets = ("voice.supportstatus",)

    def check(
        self, line: int, raw: dict[str, Any], *, pupil: Pupil, school_id: UUID
    ) -> dict[str, Any] | None:
        level = read_choice(raw, line, "level", SupportLevel)
        starts = read_moment(raw.get("occurred_at"), line, "occurred_at").date()
        ends = read_date(raw.get("ends_on"), line, "ends_on")
        if ends is not None and ends < starts:
            raise BadLine(LineError(line, "ends_on", "is before it starts (occurred_at)"))
        if SupportStatus.objects.filter(
            pupil_id=pupil.pk, school_id=school_id, level=level, starts_on=starts
        ).exists():
            return None
        return {"level": level, "ends_on": ends}

    def write(self, record: Any, *, actor: Membership, source_system: str, authors: Any) -> None:
        starts = record.occurred_at.date()
        ever_on_roll_check(record.pupil, school_of(actor))
        status = SupportStatus(
            pupil=record.pupil,
            school_id=school_of(actor),
            level=record.fields["level"],
            starts_on=starts,
            ends_on=record.fields["ends_on"],
            reason=record.text,
            recorded_by=authors.member(record.author_name),
        )
        status.save()
        SupportStatus.objects.filter(pk=status.pk).update(recorded_at=record.written_at)
        authors.keep(status, record.author_name, record.author_role)

    def export(self, school_id: UUID, *, names: Any) -> Iterator[dict[str, Any]]:
        rows = (
            SupportStatus.objects.filter(school_id=school_id)
            .select_related("pupil", "recorded_by__user")
            .order_by("starts_on", "recorded_at", "pk")
        )
        for s in rows:
            yield compact(
                {
                    **line_head(
                        self.kind,
                        s.pupil,
                        as_moment(s.starts_on),
                        max(s.recorded_at, as_moment(s.starts_on)),
                        names.of(s, s.recorded_by),
                    ),
                    "text": s.reason,
                    "level": s.level,
                    "ends_on": iso_value(s.ends_on),
                }
            )


SUPPORT_STATUS = _SupportStatusKind()
