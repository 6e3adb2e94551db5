"""Writing checked history records, all in the import's one transaction: concerns with their
versions, parts, marks and attachments, decisions with their actions, Operation Encompass
notifications, behaviour, and the record kinds other apps register."""

import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from concerns.importers.authors import Authors
from concerns.importers.common import (
    ImportFailed,
    LineError,
)
from concerns.importers.history_check import CheckedRecord
from concerns.importers.history_lines import extra_kinds
from concerns.models import (
    Action,
    ActionCompletion,
    AllegationRecord,
    Attachment,
    BehaviourIncident,
    BodyMark,
    Concern,
    ConcernPupil,
    ConcernVersion,
    Decision,
    EncompassNotification,
    Note,
    Outcome,
    Part,
    ReferralOutcome,
    Source,
)
from schools.models import Membership


def discard_files(files: list[Path]) -> None:
    for path in files:
        path.unlink(missing_ok=True)


def write_records(
    *,
    actor: Membership,
    records: list[CheckedRecord],
    source_system: str,
    progress: Callable[[int], object] | None,
    files: list[Path],
) -> None:
    school = actor.school
    assert school is not None
    concerns: dict[str, Concern] = {
        c.source_ref: c for c in Concern.objects.filter(school=school).exclude(source_ref="")
    }
    extras = extra_kinds()
    refused: list[LineError] = []
    authors = Authors(school=school, actor=actor, source_system=source_system)
    authors.files = files
    try:
        for record in records:
            if record.kind in extras:
                try:
                    with transaction.atomic():
                        extras[record.kind].write(
                            record, actor=actor, source_system=source_system, authors=authors
                        )
                except ValidationError as error:
                    refused.extend(_line_errors(record.line, error))
                except PermissionDenied as denied:  # a service's "never on this school's roll"
                    refused.append(LineError(record.line, "upn", str(denied)))
            elif record.kind == "concern":
                concern = _write_concern(record, school, source_system, authors, files)
                if concern.source_ref:
                    concerns[concern.source_ref] = concern
            elif record.kind == "decision":
                _write_decision(record, school, concerns, authors)
            elif record.kind == "encompass":
                _write_encompass(record, school, authors)
            else:
                BehaviourIncident.objects.create(
                    school=school,
                    pupil=record.pupil,
                    occurred_at=record.occurred_at,
                    incident_type=record.fields["incident_type"],
                    description=record.text,
                    action_taken=record.fields["action_taken"],
                    author_name=record.author_name,
                    recorded_by=authors.by_name.get(record.author_name.strip().casefold()),
                    source=Source.IMPORT,
                    source_ref=record.fields["source_ref"],
                    recorded_at=record.written_at,
                )
            if progress is not None:
                progress(1)
        if refused:
            raise ImportFailed(refused)
        authors.flush()
    except BaseException:
        discard_files(files)  # nothing half-written: the files of a refused import go too
        raise


def _write_concern(
    record: CheckedRecord, school: Any, source_system: str, authors: "Authors", files: list[Path]
) -> Concern:
    fields = record.fields
    concern = Concern.objects.create(
        school=school,
        recorded_by=authors.by_name.get(record.author_name.strip().casefold()),
        author_name=record.author_name,
        author_role=record.author_role,
        occurred_at=record.occurred_at,
        written_at=record.written_at,
        location=fields["location"],
        urgent_told_dsl=fields["urgent_told_dsl"],
        told_dsl_name=fields["told_dsl_name"],
        source=Source.IMPORT,
        source_system=source_system,
        source_ref=fields["source_ref"],
    )
    ConcernPupil.objects.bulk_create(
        [ConcernPupil(concern=concern, pupil=record.pupil, part=Part.SUBJECT)]
        + [ConcernPupil(concern=concern, pupil=p, part=part) for p, part in fields["children"]]
    )
    first = ConcernVersion.objects.create(
        concern=concern,
        number=1,
        facts=record.text,
        child_words=fields["child_words"],
        themes=fields["child_themes"],
        written_by=concern.recorded_by,
        written_at=record.written_at,
    )
    first.categories.set(fields["categories"])
    # The author as the old system had it, whether or not a Cairn user here (ImportOrigin).
    authors.keep(concern, record.author_name, record.author_role)
    authors.keep(first, record.author_name, record.author_role)
    for number, amendment in enumerate(fields["amendments"], start=2):
        name, role = amendment["author"]
        version = ConcernVersion.objects.create(
            concern=concern,
            number=number,
            facts=amendment["facts"],
            child_words=amendment["child_words"],
            themes=amendment["child_themes"],
            reason=amendment["reason"],
            written_by=authors.by_name.get(name.strip().casefold()),
            written_at=amendment["written_at"],
        )
        version.categories.set(amendment["categories"])
        authors.keep(version, name, role)
    BodyMark.objects.bulk_create([BodyMark(concern=concern, **m) for m in fields["body_marks"]])
    for item in fields["notes"]:
        name, role = item["author"]
        note = Note.objects.create(
            concern=concern,
            text=item["text"],
            written_by=authors.member(name),
            written_at=item["written_at"],
        )
        authors.keep(note, name, role)
    for item in fields["attachments"]:
        name, role = item["author"]
        stored_name = uuid.uuid4().hex
        folder = Path(settings.PRIVATE_MEDIA_ROOT) / "attachments"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / stored_name
        with path.open("xb") as out:
            out.write(item["content"])
        files.append(path)
        attachment = Attachment.objects.create(
            concern=concern,
            original_name=item["original_name"],
            content_type=item["content_type"],
            size=len(item["content"]),
            sha256=hashlib.sha256(item["content"]).hexdigest(),
            stored_name=stored_name,
            uploaded_by=authors.member(name),
            uploaded_at=item["uploaded_at"],
        )
        authors.keep(attachment, name, role)
    for item in fields["actions"]:
        name, role = item["author"]
        assignee, assignee_role = item["assigned_to"]
        action = Action.objects.create(
            concern=concern,
            description=item["description"],
            assigned_to=authors.member(assignee),
            due_on=item["due_on"],
            created_by=authors.member(name),
            created_at=item["created_at"],
        )
        authors.keep(action, name, role)
        authors.keep(action, assignee, assignee_role, field="assigned_to")
        if item["done"]:
            done = item["done"]
            by, by_role = done["by"]
            completion = ActionCompletion.objects.create(
                action=action,
                note=done["note"],
                completed_by=authors.member(by),
                completed_at=done["completed_at"],
            )
            authors.keep(completion, by, by_role)
    return concern


def _write_decision(
    record: CheckedRecord, school: Any, concerns: dict[str, Concern], authors: "Authors"
) -> None:
    fields = record.fields
    concern = concerns[fields["concern_ref"]]
    supersedes = None
    if fields["change_reason"]:
        supersedes = (
            Decision.objects.filter(concern=concern, superseded_by__isnull=True)
            .order_by("-decided_at")
            .first()
        )
    decision = Decision.objects.create(
        concern=concern,
        outcome=fields["outcome"],
        rationale=record.text,
        review_date=fields["review_date"],
        agency=fields["agency"],
        referral_reference=fields["referral_reference"],
        referral_date=fields["referral_date"],
        outcome_expected_by=fields["outcome_expected_by"],
        supersedes=supersedes,
        change_reason=fields["change_reason"] if supersedes else "",
        decided_by=authors.by_name.get(record.author_name.strip().casefold()),
        decided_by_name=record.author_name,
        decided_at=record.occurred_at,
        written_at=record.written_at,
    )
    authors.keep(decision, record.author_name, record.author_role)
    if fields["outcome"] == Outcome.LADO:
        allegation = AllegationRecord.objects.create(
            school=school,
            decision=decision,
            adult_name=fields["adult_name"],
            adult_role=fields["adult_role"],
            lado_reference=fields["lado_reference"] or fields["referral_reference"],
            recorded_by=authors.member(record.author_name),
            recorded_at=record.written_at,
        )
        authors.keep(allegation, record.author_name, record.author_role)
    for item in fields["referral_outcomes"]:
        name, role = item["author"]
        outcome = ReferralOutcome.objects.create(
            decision=decision,
            received_on=item["received_on"],
            outcome=item["outcome"],
            school_agrees=item["school_agrees"],
            next_steps=item["next_steps"],
            recorded_by=authors.member(name),
            recorded_at=item["recorded_at"],
        )
        authors.keep(outcome, name, role)


def _write_encompass(record: CheckedRecord, school: Any, authors: "Authors") -> None:
    fields = record.fields
    notification = EncompassNotification.objects.create(
        school=school,
        police_reference=fields["police_reference"],
        occurred_at=record.occurred_at,
        received_at=fields["received_at"],
        child_present=fields["child_present"],
        voice_of_child=fields["voice_of_child"],
        details=record.text,
        welfare_check_on=fields["welfare_check_on"],
        recorded_by=authors.member(record.author_name),
        recorded_at=record.written_at,
    )
    notification.pupils.set([record.pupil, *fields["children"]])
    authors.keep(notification, record.author_name, record.author_role)


def _line_errors(line: int, error: ValidationError) -> list[LineError]:
    """A record kind's ValidationError as line errors naming the field."""
    if hasattr(error, "error_dict"):
        return [
            LineError(line, "" if name == "__all__" else name, message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [LineError(line, "", message) for message in error.messages]
