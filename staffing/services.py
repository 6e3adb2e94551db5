"""Writes: training records (one at a time with evidence, or a CSV all or nothing), adults and
low-level concerns about them, and the school's policy on who reads that register. Each audits
itself in its own transaction; nothing is changed in place or deleted."""

import csv
import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.bounds import CONTENT_TYPES, attached_file_check, quoted, upload_refusal
from audit.models import AuditAction
from schools.models import Membership, Role
from staffing.models import (
    AdultKind,
    ConcernedAdult,
    LowLevelConcern,
    LowLevelConcernPolicy,
    RecordSource,
    TrainingRecord,
    TrainingType,
)

type Upload = UploadedFile[bytes]


def evidence_folder() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "training"


def evidence_path(record: TrainingRecord) -> Path:
    return evidence_folder() / record.evidence_stored_name


def evidence_check(upload: Upload) -> str:
    """The upload's extension if its type, size and first bytes are accepted; else
    ValidationError naming the file and the problem."""
    return attached_file_check(upload, "training_evidence")


def _school_id(actor: Membership) -> UUID:
    if actor.school_id is None:
        raise ValidationError("Only someone at a school can record this.")
    return actor.school_id


def _check_person(*, actor: Membership, person: Membership) -> None:
    if actor.school_id is None or person.school_id != actor.school_id:
        raise ValidationError({"person": "Choose someone who works at your school."})


def _check_date(completed_on: date, *, today: date, field: str = "completed_on") -> None:
    if completed_on > today:
        raise ValidationError({field: "The date must be today or in the past."})


@transaction.atomic
def training_record(
    *,
    actor: Membership,
    person: Membership,
    training_type: TrainingType,
    completed_on: date,
    provider: str,
    evidence: Upload | None = None,
    request: HttpRequest | None = None,
) -> TrainingRecord:
    """Record a piece of training someone completed, with its evidence if there is any."""
    now = timezone.now()
    _check_person(actor=actor, person=person)
    _check_date(completed_on, today=timezone.localdate())
    if not provider.strip():
        raise ValidationError({"provider": "Enter who provided the training."})
    stored = {"evidence_name": "", "evidence_stored_name": ""}
    if evidence is not None:
        stored = _store_evidence(evidence)
    record = TrainingRecord.objects.create(
        school_id=_school_id(actor),
        person=person,
        training_type=training_type,
        completed_on=completed_on,
        provider=provider.strip(),
        source=RecordSource.FORM,
        recorded_by=actor,
        recorded_at=now,
        **stored,
    )
    audit.record(
        actor=actor,
        action=AuditAction.TRAINING_RECORDED,
        target=record,
        request=request,
        details={"person": str(person.pk), "type": str(training_type)},
    )
    return record


def _store_evidence(upload: Upload) -> dict[str, str]:
    extension = evidence_check(upload)
    stored_name = uuid.uuid4().hex
    folder = evidence_folder()
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with (folder / stored_name).open("xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    return {
        "evidence_name": Path(upload.name or "evidence").name[:255],
        "evidence_stored_name": stored_name,
        "evidence_content_type": CONTENT_TYPES.get(extension, "application/octet-stream"),
        "evidence_sha256": digest.hexdigest(),
    }


# --- Import from CSV: all or nothing ----------------------------------------------------------

IMPORT_COLUMNS = ("email", "training", "completed_on", "provider")


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    person: Membership
    training_type: TrainingType
    completed_on: date
    provider: str


def _training_type(text: str) -> TrainingType | None:
    wanted = text.strip().lower()
    for choice in TrainingType:
        if wanted in {choice.value, choice.label.lower()}:
            return choice
    return None


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    return None


def _people_by_email(school_id: UUID) -> dict[str, Membership]:
    people: dict[str, Membership] = {}
    for m in Membership.objects.filter(school_id=school_id, is_active=True).select_related("user"):
        # Someone with two roles at the school: the record goes with the role listed first.
        people.setdefault(m.user.email.lower(), m)
    return people


def _read_rows(actor: Membership, text: str) -> tuple[list[_Row], list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        return [], [f"Line 1: the file has no {', '.join(missing)} column."]
    reader.fieldnames = header
    people = _people_by_email(_school_id(actor))
    today = timezone.localdate()
    rows: list[_Row] = []
    errors: list[str] = []
    for line, raw in enumerate(reader, start=2):
        values = {k: (raw.get(k) or "").strip() for k in IMPORT_COLUMNS}
        if any("\x00" in v for v in values.values()):
            errors.append(f"Line {line}: holds a NUL character (byte 0), which is not text.")
            continue
        problems = []
        person = people.get(values["email"].lower())
        if person is None:
            problems.append(f"nobody at the school has the email {quoted(values['email'], 80)}")
        training_type = _training_type(values["training"])
        if training_type is None:
            problems.append(f"{quoted(values['training'], 80)} is not a kind of training")
        completed_on = _parse_date(values["completed_on"])
        if completed_on is None:
            problems.append(
                f"{quoted(values['completed_on'], 40)} is not a date (use 2025-09-01 or 01/09/2025)"
            )
        elif completed_on > today:
            problems.append("the date is in the future")
        if not values["provider"]:
            problems.append("the provider is missing")
        elif len(values["provider"]) > 200:
            problems.append("the provider is longer than 200 characters")
        if problems:
            errors.append(f"Line {line}: {'; '.join(problems)}.")
            continue
        assert person is not None
        assert training_type is not None
        assert completed_on is not None
        rows.append(_Row(line, person, training_type, completed_on, values["provider"]))
    if not rows and not errors:
        errors.append("The file has no rows of training.")
    return rows, errors


@transaction.atomic
def training_import(
    *,
    actor: Membership,
    content: bytes,
    dry_run: bool = False,
    request: HttpRequest | None = None,
) -> int:
    """Import training records from a CSV (email, training, completed_on, provider): every row
    or none. ValidationError lists each line's problems; nothing is written then. `dry_run`
    checks the whole file and writes nothing."""
    if actor.school_id is None:
        raise ValidationError("Only someone at a school can import its training records.")
    refusal = upload_refusal("staffing_csv", len(content))
    if refusal:
        raise ValidationError(refusal)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError("The file is not UTF-8 text. Save it as CSV UTF-8.") from error
    rows, errors = _read_rows(actor, text)
    if errors:
        raise ValidationError(errors)
    if dry_run:
        return len(rows)
    now = timezone.now()
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            school_id=actor.school_id,
            person=row.person,
            training_type=row.training_type,
            completed_on=row.completed_on,
            provider=row.provider,
            source=RecordSource.IMPORT,
            recorded_by=actor,
            recorded_at=now,
        )
        for row in rows
    )
    audit.record(
        actor=actor,
        action=AuditAction.TRAINING_IMPORTED,
        request=request,
        details={"rows": len(rows)},
    )
    return len(rows)


# --- Low-level concerns ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewAdult:
    full_name: str
    kind: AdultKind | str
    job_title: str = ""


def adult_for(
    *, actor: Membership, member: Membership | None = None, new: NewAdult | None = None
) -> ConcernedAdult:
    """The register's entry for a colleague who uses Cairn (made on first need), or a new entry
    for someone who does not. Call inside the recording transaction."""
    if member is not None:
        if member.school_id != actor.school_id or member.user_id == actor.user_id:
            raise ValidationError({"about": "Choose someone else at your school."})
        found = ConcernedAdult.objects.filter(school_id=_school_id(actor), user_id=member.user_id)
        existing = found.first()
        if existing is not None:
            return existing
        return ConcernedAdult.objects.create(
            school_id=_school_id(actor),
            full_name=member.user.full_name,
            kind=AdultKind.GOVERNOR if member.role == Role.GOVERNOR else AdultKind.STAFF,
            job_title=member.get_role_display(),
            user_id=member.user_id,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
    if new is None or not new.full_name.strip():
        raise ValidationError({"full_name": "Enter the adult's name."})
    return ConcernedAdult.objects.create(
        school_id=_school_id(actor),
        full_name=new.full_name.strip(),
        kind=new.kind,
        job_title=new.job_title.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def low_level_concern_record(
    *,
    actor: Membership,
    adult: ConcernedAdult | None = None,
    member: Membership | None = None,
    new: NewAdult | None = None,
    happened_on: date,
    raised_by: str,
    what_happened: str,
    response: str = "",
    threshold_may_be_met: bool = False,
    request: HttpRequest | None = None,
) -> LowLevelConcern:
    """Record a low-level concern about an adult: one already in the register (`adult`), a
    colleague who uses Cairn (`member`) or someone new (`new`)."""
    if actor.school_id is None:
        raise ValidationError("Only someone at a school can record a low-level concern.")
    _check_date(happened_on, today=timezone.localdate(), field="happened_on")
    if not what_happened.strip():
        raise ValidationError({"what_happened": "Enter what happened."})
    if not raised_by.strip():
        raise ValidationError({"raised_by": "Enter who raised the concern."})
    if adult is None:
        adult = adult_for(actor=actor, member=member, new=new)
    elif adult.school_id != actor.school_id:
        raise ValidationError({"about": "Choose an adult at your school."})
    concern = LowLevelConcern.objects.create(
        school_id=actor.school_id,
        adult=adult,
        happened_on=happened_on,
        raised_by=raised_by.strip(),
        what_happened=what_happened.strip(),
        response=response.strip(),
        threshold_may_be_met=threshold_may_be_met,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.LOW_LEVEL_CONCERN_RECORDED,
        target=concern,
        request=request,
        details={"adult": str(adult.pk), "threshold_may_be_met": threshold_may_be_met},
    )
    return concern


@transaction.atomic
def adult_left(
    *, actor: Membership, adult: ConcernedAdult, left_on: date, request: HttpRequest | None = None
) -> ConcernedAdult:
    """Record when the adult left: the start of the retention review (nothing is deleted)."""
    _check_date(left_on, today=timezone.localdate(), field="left_on")
    if adult.left_on is not None:
        raise ValidationError({"left_on": "A leaving date is already recorded."})
    adult.left_on = left_on
    adult.save(update_fields=["left_on"])
    audit.record(
        actor=actor,
        action=AuditAction.LOW_LEVEL_ADULT_LEFT,
        target=adult,
        request=request,
        details={"left_on": left_on.isoformat()},
    )
    return adult


@transaction.atomic
def low_level_policy_set(
    *,
    actor: Membership,
    deputy_dsl_reads: bool,
    chair: Membership | None,
    request: HttpRequest | None = None,
) -> LowLevelConcernPolicy:
    """The headteacher names who else reads the register: the deputy DSLs, and the chair of
    governors (for concerns about the headteacher). A new row; the earlier ones stay."""
    if actor.role != Role.HEADTEACHER or actor.school_id is None:
        raise ValidationError("Only the headteacher sets who reads the register.")
    if chair is not None and (chair.school_id != actor.school_id or chair.role != Role.GOVERNOR):
        raise ValidationError({"chair": "Choose a governor of your school."})
    policy = LowLevelConcernPolicy.objects.create(
        school_id=actor.school_id,
        deputy_dsl_reads=deputy_dsl_reads,
        chair=chair,
        set_by=actor,
        set_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.LOW_LEVEL_POLICY_SET,
        target=policy,
        request=request,
        details={"deputy_dsl_reads": deputy_dsl_reads, "chair": str(chair.pk) if chair else ""},
    )
    return policy
