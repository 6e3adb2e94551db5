"""The rest of what Cairn holds, in `import_history` and `export_history` (docs/import-format.md):
children and their enrolments (with statuses and former UPNs), known factors, support statuses,
check-in schedules, and the child's voice with its versions and attachments.

These live in casework because it is the layer above the apps whose records they carry
(pupils, factors, voice). Each kind checks its line (`check`, raising BadLine naming the field),
writes it (`write`, raising ValidationError naming the field, so the import refuses the file),
and writes the school's records back as lines (`export`). An imported record whose author is
not a Cairn user keeps the author's name and role (`concerns.ImportOrigin`).
"""

import base64
import hashlib
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone

from concerns.importers.common import BadLine, LineError
from concerns.importers.history_values import (
    read_attachment,
    read_bool,
    read_date,
    read_items,
    read_moment,
    read_person,
    read_text,
)
from factors.codes import validate_code
from factors.models import FactorSource, KnownFactor, KnownFactorWithdrawal
from pupils.models import Enrolment, FormerUPN, Pupil, PupilStatus
from schools.models import Membership
from sources.themes import THEME_CODES, THEME_SLUGS, clean_themes
from voice import attachments as voice_files
from voice.models import (
    CheckInSchedule,
    Communication,
    Occasion,
    ShareMethod,
    SupportLevel,
    SupportStatus,
    VoiceAttachment,
    VoiceEntry,
    VoiceEntryVersion,
)

MAX_TEXT = 50_000


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _compact(line: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in line.items() if v not in ("", None, [])}


def _head(kind: str, pupil: Pupil, occurred: Any, written: Any, author: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "upn": pupil.upn,
        "occurred_at": _iso(occurred),
        "written_at": _iso(written),
        "author": author,
    }


def _day(value: date | datetime) -> datetime:
    """A date as the moment the file gives it (midnight, UK time), for `occurred_at`."""
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, datetime.min.time()))


def _school(actor: Membership) -> UUID:
    assert actor.school_id is not None  # import_history runs for a school
    return actor.school_id


def _on_roll(pupil: Pupil, school_id: UUID, day: date, field: str = "occurred_at") -> None:
    """ValidationError unless the child was on the school's roll on `day`."""
    held = Enrolment.objects.filter(pupil=pupil, school_id=school_id, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    if not held.exists():
        raise ValidationError(
            {field: f"the child was not on the school's roll on {day.day} {day:%B %Y}"}
        )


def _ever_on_roll(pupil: Pupil, school_id: UUID) -> None:
    """ValidationError unless the child was ever on the school's roll: a factor or a support
    status may be known from before the child came (as a plan from another authority may)."""
    if not Enrolment.objects.filter(pupil=pupil, school_id=school_id).exists():
        raise ValidationError({"upn": "the child has never been on the school's roll"})


def _written(raw: dict[str, Any], line: int) -> datetime:
    occurred = read_moment(raw.get("occurred_at"), line, "occurred_at")
    if raw.get("written_at"):
        return read_moment(raw["written_at"], line, "written_at")
    return occurred


def _choice(
    raw: dict[str, Any], line: int, name: str, choices: Any, *, default: str = "", where: str = ""
) -> str:
    value = raw.get(name) or default
    if value not in choices.values:
        name = f"{where}.{name}" if where else name
        raise BadLine(LineError(line, name, f"must be one of {', '.join(choices.values)}"))
    return str(value)


def _int(raw: dict[str, Any], line: int, name: str, *, low: int, high: int) -> int | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise BadLine(LineError(line, name, "must be a whole number")) from exc
    if not low <= number <= high:
        raise BadLine(LineError(line, name, f"must be from {low} to {high}"))
    return number


# -- Children and their enrolments -------------------------------------------------------------

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
            school_id=_school(actor),
            start_date=fields["start"],
            end_date=fields["end"],
            end_reason=fields["reason"],
        )
        enrolment.full_clean(exclude=["pupil", "school"], validate_unique=False)
        if (
            enrolment.end_date is None
            and Enrolment.objects.filter(
                pupil=pupil, school_id=_school(actor), end_date__isnull=True
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
                name: _iso(value) if isinstance(value, date) else value
                for name in PUPIL_FIELDS
                if (value := getattr(pupil, name)) not in ("", None)
            }
            ended = enrolment.pk not in left  # a leaving line ends it, with its reason
            yield _compact(
                {
                    **_head(
                        "enrolment",
                        pupil,
                        _day(enrolment.start_date),
                        _day(enrolment.start_date),
                        {"name": "School roll", "role": ""},
                    ),
                    "text": "",
                    "pupil": details,
                    "end_date": _iso(enrolment.end_date) if ended else None,
                    "end_reason": enrolment.end_reason if ended else "",
                    "statuses": [
                        _compact(
                            {
                                "kind": s.kind,
                                "started_on": _iso(s.started_on),
                                "ended_on": _iso(s.ended_on),
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


# -- Known factors -------------------------------------------------------------------------------


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
        source = _choice(raw, line, "factor_source", FactorSource)
        written = _written(raw, line)
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
        _ever_on_roll(record.pupil, _school(actor))
        fields = record.fields
        factor = KnownFactor.objects.create(
            school_id=_school(actor),
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
            yield _compact(
                {
                    **_head(
                        self.kind,
                        f.pupil,
                        min(f.recorded_at, _day(f.known_from)),
                        f.recorded_at,
                        names.of(f, f.recorded_by),
                    ),
                    "known_from": _iso(f.known_from),
                    "text": f.note,
                    "factor_code": f.code,
                    "factor_source": f.source,
                    "withdrawn_at": _iso(w.withdrawn_at) if w else None,
                    "withdrawal_reason": w.reason if w else "",
                    "withdrawn_by": names.of(w, w.withdrawn_by) if w else None,
                }
            )


KNOWN_FACTOR = _FactorKind()


# -- Support statuses and check-in schedules ------------------------------------------------------


class _SupportStatusKind:
    """The child's support level for check-ins (`occurred_at` the day it starts; `ends_on`)."""

    kind = "support_status"
    columns = ("level", "ends_on")
    targets = ("voice.supportstatus",)

    def check(
        self, line: int, raw: dict[str, Any], *, pupil: Pupil, school_id: UUID
    ) -> dict[str, Any] | None:
        level = _choice(raw, line, "level", SupportLevel)
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
        _ever_on_roll(record.pupil, _school(actor))
        status = SupportStatus(
            pupil=record.pupil,
            school_id=_school(actor),
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
            yield _compact(
                {
                    **_head(
                        self.kind,
                        s.pupil,
                        _day(s.starts_on),
                        max(s.recorded_at, _day(s.starts_on)),
                        names.of(s, s.recorded_by),
                    ),
                    "text": s.reason,
                    "level": s.level,
                    "ends_on": _iso(s.ends_on),
                }
            )


SUPPORT_STATUS = _SupportStatusKind()


class _CheckInKind:
    """A check-in schedule as it was set (`occurred_at`): the trusted adult and how often."""

    kind = "check_in"
    columns = ("trusted_adult", "cadence_days")
    targets = ("voice.checkinschedule",)

    def check(
        self, line: int, raw: dict[str, Any], *, pupil: Pupil, school_id: UUID
    ) -> dict[str, Any] | None:
        cadence = _int(raw, line, "cadence_days", low=1, high=365)
        adult = read_person(raw, line, "trusted_adult") if raw.get("trusted_adult") else None
        set_at = read_moment(raw.get("occurred_at"), line, "occurred_at")
        if CheckInSchedule.objects.filter(
            pupil_id=pupil.pk, school_id=school_id, set_at=set_at
        ).exists():
            return None
        return {"cadence_days": cadence, "trusted_adult": adult}

    def write(self, record: Any, *, actor: Membership, source_system: str, authors: Any) -> None:
        _on_roll(record.pupil, _school(actor), record.occurred_at.date())
        adult = record.fields["trusted_adult"]
        schedule = CheckInSchedule(
            pupil=record.pupil,
            school_id=_school(actor),
            trusted_adult=authors.by_name.get(adult[0].strip().casefold()) if adult else None,
            cadence_days=record.fields["cadence_days"],
            reason=record.text,
            set_by=authors.member(record.author_name),
        )
        schedule.save()
        CheckInSchedule.objects.filter(pk=schedule.pk).update(set_at=record.occurred_at)
        authors.keep(schedule, record.author_name, record.author_role)
        if adult:
            authors.keep(schedule, *adult, field="trusted_adult")

    def export(self, school_id: UUID, *, names: Any) -> Iterator[dict[str, Any]]:
        rows = (
            CheckInSchedule.objects.filter(school_id=school_id)
            .select_related("pupil", "set_by__user", "trusted_adult__user")
            .order_by("set_at", "pk")
        )
        for c in rows:
            has_adult = c.trusted_adult_id is not None or (
                ("voice.checkinschedule", str(c.pk), "trusted_adult") in names.origins
            )
            yield _compact(
                {
                    **_head(self.kind, c.pupil, c.set_at, c.set_at, names.of(c, c.set_by)),
                    "text": c.reason,
                    "cadence_days": c.cadence_days,
                    "trusted_adult": names.of(c, c.trusted_adult, field="trusted_adult")
                    if has_adult
                    else None,
                }
            )


CHECK_IN = _CheckInKind()


# -- The child's voice ---------------------------------------------------------------------------

_VOICE_TEXT = (
    "scale_question",
    "asked_by",
    "place",
    "other_adult",
    "communication_notes",
    "typical_morning",
    "food",
    "sleep",
    "who_looks_after_me",
    "who_i_talk_to",
    "worries",
    "good_things",
    "wishes",
    "reflection",
)
_VOICE_LIMITS = {"scale_question": 200, "asked_by": 200, "place": 200, "other_adult": 200}


class _VoiceKind:
    """A time the child was heard: `versions` in order (the first as written, each later one an
    amendment with its `amendment_reason`), each with every field of the voice form, its
    `written_at` and `author`; `attachments` with the version number each came in."""

    kind = "voice"
    columns = ("versions", "attachments")
    targets = ("voice.voiceentry", "voice.voiceentryversion", "voice.voiceattachment")

    def _version(self, line: int, number: int, item: dict[str, Any], after: datetime) -> Any:
        where = f"versions[{number}]"
        methods = item.get("share_methods", [])
        if not isinstance(methods, list) or not all(m in ShareMethod.values for m in methods):
            raise BadLine(
                LineError(
                    line,
                    f"{where}.share_methods",
                    f"must list codes of {', '.join(ShareMethod.values)}",
                )
            )
        themes = item.get("themes", [])
        if not isinstance(themes, list) or not all(t in THEME_SLUGS for t in themes):
            raise BadLine(
                LineError(line, f"{where}.themes", f"must list codes of {', '.join(THEME_CODES)}")
            )
        written = read_moment(item.get("written_at"), line, f"{where}.written_at")
        if written < after:
            raise BadLine(LineError(line, f"{where}.written_at", "is before the version before it"))
        if written > timezone.now():
            raise BadLine(LineError(line, f"{where}.written_at", "is in the future"))
        reason = read_text(
            item.get("amendment_reason"), line, f"{where}.amendment_reason", required=number > 1
        )
        values: dict[str, Any] = {
            name: read_text(
                item.get(name),
                line,
                f"{where}.{name}",
                required=name in ("asked_by", "place"),
                limit=_VOICE_LIMITS.get(name, MAX_TEXT),
            )
            for name in _VOICE_TEXT
        }
        return {
            **values,
            "number": number,
            "occurred_at": read_moment(item.get("occurred_at"), line, f"{where}.occurred_at"),
            "occasion": _choice(
                item, line, "occasion", Occasion, default=Occasion.CHECK_IN, where=where
            ),
            "words": read_text(item.get("words"), line, f"{where}.words", required=True),
            "share_methods": methods,
            "themes": clean_themes(themes),
            "scale_score": _int(item, line, "scale_score", low=0, high=10),
            "other_adult_present": bool(
                read_bool(item.get("other_adult_present"), line, f"{where}.other_adult_present")
            ),
            "communication": _choice(
                item,
                line,
                "communication",
                Communication,
                default=Communication.DIRECT,
                where=where,
            ),
            "amendment_reason": reason,
            "written_at": written,
            "author": read_person(item, line, f"{where}.author"),
        }

    def check(
        self, line: int, raw: dict[str, Any], *, pupil: Pupil, school_id: UUID
    ) -> dict[str, Any] | None:
        created = _written(raw, line)
        versions = []
        after = created
        for number, item in read_items(raw, line, "versions"):
            version = self._version(line, number, item, after)
            after = version["written_at"]
            versions.append(version)
        if not versions:
            raise BadLine(LineError(line, "versions", "must hold the entry as first written"))
        files = []
        for number, item in read_items(raw, line, "attachments"):
            found = read_attachment(line, number, item)
            added_in = _int(item, line, "version", low=1, high=len(versions)) or 1
            files.append(
                {
                    **found,
                    "version": added_in,
                    "description": read_text(
                        item.get("description"),
                        line,
                        f"attachments[{number}].description",
                        required=False,
                        limit=300,
                    ),
                }
            )
        if VoiceEntry.objects.filter(
            pupil_id=pupil.pk, school_id=school_id, created_at=created
        ).exists():
            return None
        return {"versions": versions, "attachments": files}

    def write(self, record: Any, *, actor: Membership, source_system: str, authors: Any) -> None:
        _on_roll(record.pupil, _school(actor), record.occurred_at.date())
        entry = VoiceEntry(
            pupil=record.pupil,
            school_id=_school(actor),
            recorded_by=authors.member(record.author_name),
        )
        entry.save()
        VoiceEntry.objects.filter(pk=entry.pk).update(created_at=record.written_at)
        authors.keep(entry, record.author_name, record.author_role)
        saved = {}
        for item in record.fields["versions"]:
            values = dict(item)
            name, role = values.pop("author")
            written = values.pop("written_at")
            version = VoiceEntryVersion(entry=entry, written_by=authors.member(name), **values)
            version.save()
            VoiceEntryVersion.objects.filter(pk=version.pk).update(written_at=written)
            authors.keep(version, name, role)
            saved[version.number] = version
        for item in record.fields["attachments"]:
            name, role = item["author"]
            stored_as = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"
            path = voice_files.path_of(stored_as)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(item["content"])
            authors.files.append(path)  # deleted unless the import commits
            attachment = VoiceAttachment(
                entry=entry,
                added_in=saved[item["version"]],
                original_name=item["original_name"][:200],
                content_type=item["content_type"],
                size=len(item["content"]),
                sha256=hashlib.sha256(item["content"]).hexdigest(),
                stored_as=stored_as,
                description=item["description"],
                uploaded_by=authors.member(name),
            )
            attachment.save()
            VoiceAttachment.objects.filter(pk=attachment.pk).update(uploaded_at=item["uploaded_at"])
            authors.keep(attachment, name, role)

    def export(self, school_id: UUID, *, names: Any) -> Iterator[dict[str, Any]]:
        rows = (
            VoiceEntry.objects.filter(school_id=school_id)
            .select_related("pupil", "recorded_by__user")
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=VoiceEntryVersion.objects.select_related("written_by__user").order_by(
                        "number"
                    ),
                ),
                Prefetch(
                    "attachments",
                    queryset=VoiceAttachment.objects.select_related(
                        "uploaded_by__user", "added_in"
                    ).order_by("uploaded_at", "pk"),
                ),
            )
            .order_by("created_at", "pk")
        )
        for e in rows:
            versions = list(e.versions.all())
            if not versions:
                continue
            yield {
                **_head(
                    self.kind,
                    e.pupil,
                    min(versions[0].occurred_at, e.created_at),
                    e.created_at,
                    names.of(e, e.recorded_by),
                ),
                "text": "",
                "versions": [
                    _compact(
                        {
                            **{name: getattr(v, name) for name in _VOICE_TEXT},
                            "occurred_at": _iso(v.occurred_at),
                            "occasion": v.occasion,
                            "words": v.words,
                            "share_methods": list(v.share_methods),
                            "themes": list(v.themes),
                            "scale_score": v.scale_score,
                            "other_adult_present": v.other_adult_present or None,
                            "communication": v.communication,
                            "amendment_reason": v.amendment_reason,
                            "written_at": _iso(v.written_at),
                            "author": names.of(v, v.written_by),
                        }
                    )
                    for v in versions
                ],
                "attachments": [
                    _compact(
                        {
                            "name": a.original_name,
                            "content_type": a.content_type,
                            "content": base64.b64encode(
                                voice_files.path_of(a.stored_as).read_bytes()
                            ).decode("ascii"),
                            "description": a.description,
                            "version": a.added_in.number if a.added_in else None,
                            "uploaded_at": _iso(a.uploaded_at),
                            "author": names.of(a, a.uploaded_by),
                        }
                    )
                    for a in e.attachments.all()
                ],
            }


VOICE = _VoiceKind()
