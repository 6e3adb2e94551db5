"""Writes: recording and amending the child's voice, statuses, schedules and cadences.

Each takes the acting membership and audits itself in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from background.signals import announce_records_changed
from pupils.models import Pupil
from schools.models import DSL_TEAM_ROLES, Membership
from sources.themes import clean_themes
from voice import attachments
from voice.access import VOICE_RECORDERS, may_amend
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
    VoiceSettings,
)
from voice.selectors import trusted_adult_choices


@dataclass(frozen=True, slots=True)
class VoiceContent:
    """What one version of a voice entry says."""

    occurred_at: datetime
    words: str
    asked_by: str
    place: str
    occasion: Occasion = Occasion.CHECK_IN
    themes: list[str] = field(default_factory=list)
    share_methods: list[ShareMethod] = field(default_factory=list)
    scale_question: str = ""
    scale_score: int | None = None
    other_adult_present: bool = False
    other_adult: str = ""
    communication: Communication = Communication.DIRECT
    communication_notes: str = ""
    typical_morning: str = ""
    food: str = ""
    sleep: str = ""
    who_looks_after_me: str = ""
    who_i_talk_to: str = ""
    worries: str = ""
    good_things: str = ""
    wishes: str = ""
    reflection: str = ""

    def check(self) -> None:
        """Refuse content that cannot be right, naming the field."""
        if not self.words.strip():
            raise ValidationError({"words": "Write down what the child said, in their words."})
        if self.occurred_at > timezone.now() + timedelta(minutes=5):
            raise ValidationError({"occurred_at": "The conversation cannot be in the future."})
        if self.scale_score is not None and not 0 <= self.scale_score <= 10:
            raise ValidationError({"scale_score": "A scale score is from 0 to 10."})
        if self.other_adult_present and not self.other_adult.strip():
            raise ValidationError({"other_adult": "Say which other adult was there."})
        needs_notes = self.communication not in {Communication.DIRECT}
        if needs_notes and not self.communication_notes.strip():
            raise ValidationError(
                {
                    "communication_notes": "Say how the voice was gathered (for example the "
                    "interpreter's name and language, or the symbols used)."
                }
            )

    def as_fields(self) -> dict[str, Any]:
        values = asdict(self)
        values["share_methods"] = [str(m) for m in self.share_methods]
        values["themes"] = clean_themes(self.themes)
        values["occasion"] = str(self.occasion)
        values["communication"] = str(self.communication)
        return values


def _attach(
    *,
    actor: Membership,
    entry: VoiceEntry,
    version: VoiceEntryVersion,
    upload: UploadedFile[bytes],
    description: str,
    stored_files: list[attachments.StoredFile],
) -> VoiceAttachment:
    from django.conf import settings

    if entry.attachments.count() >= settings.CAIRN_VOICE_ATTACHMENTS_PER_ENTRY:
        raise ValidationError(
            {
                "attachment": "This entry already has "
                f"{settings.CAIRN_VOICE_ATTACHMENTS_PER_ENTRY} attachments, the most allowed."
            }
        )
    try:
        kind = attachments.identify(upload)
    except ValidationError as error:
        raise ValidationError({"attachment": error.messages}) from error
    stored = attachments.store(upload, kind)
    stored_files.append(stored)
    return VoiceAttachment.objects.create(
        entry=entry,
        added_in=version,
        original_name=(upload.name or "attachment")[:200],
        content_type=kind.content_type,
        size=stored.size,
        sha256=stored.sha256,
        stored_as=stored.stored_as,
        description=description[:300],
        uploaded_by=actor,
    )


def _with_files_cleaned_up[T](
    write: Callable[[], T], stored_files: list[attachments.StoredFile]
) -> T:
    try:
        with transaction.atomic():
            result: T = write()
    except BaseException:
        for stored in stored_files:
            attachments.discard(stored)
        raise
    return result


def voice_entry_record(
    *,
    actor: Membership,
    pupil: Pupil,
    content: VoiceContent,
    attachment: UploadedFile[bytes] | None = None,
    attachment_description: str = "",
    request: HttpRequest | None = None,
) -> VoiceEntry:
    """Record a time the child was heard, in their own words (version 1)."""
    school = actor.school
    if school is None or actor.role not in VOICE_RECORDERS:
        raise PermissionDenied("Only staff at a school can record a child's voice.")
    content.check()
    stored_files: list[attachments.StoredFile] = []

    def write() -> VoiceEntry:
        entry = VoiceEntry.objects.create(pupil=pupil, school=school, recorded_by=actor)
        version = VoiceEntryVersion.objects.create(
            entry=entry, number=1, written_by=actor, **content.as_fields()
        )
        if attachment is not None:
            _attach(
                actor=actor,
                entry=entry,
                version=version,
                upload=attachment,
                description=attachment_description,
                stored_files=stored_files,
            )
        audit.record(
            actor=actor,
            action=AuditAction.VOICE_ENTRY_RECORDED,
            target=entry,
            pupil_id=pupil.pk,
            request=request,
            details={"occasion": str(content.occasion), "attachment": attachment is not None},
        )
        announce_records_changed(pupil_ids=[pupil.pk])
        return entry

    return _with_files_cleaned_up(write, stored_files)


def voice_entry_amend(
    *,
    actor: Membership,
    entry: VoiceEntry,
    content: VoiceContent,
    reason: str,
    attachment: UploadedFile[bytes] | None = None,
    attachment_description: str = "",
    request: HttpRequest | None = None,
) -> VoiceEntryVersion:
    """Amend an entry: a new version with a reason; the earlier versions stay as they were."""
    if not may_amend(viewer=actor, entry=entry):
        raise PermissionDenied("Only the adult who recorded it or the safeguarding team may amend.")
    if not reason.strip():
        raise ValidationError({"amendment_reason": "Say why the entry is being amended."})
    content.check()
    stored_files: list[attachments.StoredFile] = []

    def write() -> VoiceEntryVersion:
        # Lock the entry so two amendments at once cannot take the same number.
        locked = VoiceEntry.objects.select_for_update().get(pk=entry.pk)
        last = locked.versions.aggregate(n=Max("number"))["n"] or 0
        version = VoiceEntryVersion.objects.create(
            entry=locked,
            number=last + 1,
            written_by=actor,
            amendment_reason=reason.strip(),
            **content.as_fields(),
        )
        if attachment is not None:
            _attach(
                actor=actor,
                entry=locked,
                version=version,
                upload=attachment,
                description=attachment_description,
                stored_files=stored_files,
            )
        audit.record(
            actor=actor,
            action=AuditAction.VOICE_ENTRY_AMENDED,
            target=locked,
            pupil_id=locked.pupil_id,
            request=request,
            reason=reason.strip(),
            details={"version": version.number},
        )
        announce_records_changed(pupil_ids=[locked.pupil_id])
        return version

    return _with_files_cleaned_up(write, stored_files)


def _after(newest: datetime | None) -> datetime:
    """Now, or a moment after `newest` so the newest row is always the last one written."""
    now = timezone.now()
    if newest is not None and newest >= now:
        return newest + timedelta(microseconds=1)
    return now


@transaction.atomic
def support_status_record(
    *,
    actor: Membership,
    pupil: Pupil,
    level: SupportLevel,
    starts_on: date,
    ends_on: date | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> SupportStatus:
    """Record the child's safeguarding status from a date. The check-in cadence follows it."""
    if actor.school is None or actor.role not in DSL_TEAM_ROLES:
        raise PermissionDenied("Only a school's safeguarding team can record a status.")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    newest = SupportStatus.objects.filter(pupil=pupil, school=actor.school).aggregate(
        at=Max("recorded_at")
    )["at"]
    status = SupportStatus.objects.create(
        pupil=pupil,
        school=actor.school,
        level=level,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        recorded_by=actor,
        recorded_at=_after(newest),
    )
    audit.record(
        actor=actor,
        action=AuditAction.SUPPORT_STATUS_RECORDED,
        target=status,
        pupil_id=pupil.pk,
        request=request,
        reason=reason.strip(),
        details={"level": str(level), "starts_on": starts_on.isoformat()},
    )
    announce_records_changed(pupil_ids=[pupil.pk])
    return status


@transaction.atomic
def check_in_schedule_set(
    *,
    actor: Membership,
    pupil: Pupil,
    trusted_adult: Membership | None,
    cadence_days: int | None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> CheckInSchedule:
    """Name the child's trusted adult and, optionally, a cadence other than the default."""
    if actor.school is None or actor.role not in DSL_TEAM_ROLES:
        raise PermissionDenied("Only a school's safeguarding team can set check-ins.")
    if trusted_adult is not None and not (
        trusted_adult_choices(school=actor.school).filter(pk=trusted_adult.pk).exists()
    ):
        raise ValidationError(
            {"trusted_adult": "The trusted adult must be a member of staff at this school."}
        )
    if cadence_days is not None and not 1 <= cadence_days <= 365:
        raise ValidationError({"cadence_days": "Enter a number of days from 1 to 365."})
    newest = CheckInSchedule.objects.filter(pupil=pupil, school=actor.school).aggregate(
        at=Max("set_at")
    )["at"]
    schedule = CheckInSchedule.objects.create(
        pupil=pupil,
        school=actor.school,
        trusted_adult=trusted_adult,
        cadence_days=cadence_days,
        reason=reason.strip(),
        set_by=actor,
        set_at=_after(newest),
    )
    audit.record(
        actor=actor,
        action=AuditAction.CHECK_IN_SCHEDULE_SET,
        target=schedule,
        pupil_id=pupil.pk,
        request=request,
        reason=reason.strip(),
        details={
            "trusted_adult": str(trusted_adult.pk) if trusted_adult else "",
            "cadence_days": cadence_days,
        },
    )
    announce_records_changed(pupil_ids=[pupil.pk])
    return schedule


@transaction.atomic
def voice_settings_update(
    *,
    actor: Membership,
    cp_plan_days: int,
    cin_days: int,
    early_help_days: int,
    monitoring_days: int,
    due_soon_days: int,
    request: HttpRequest | None = None,
) -> VoiceSettings:
    """Change the school's default cadences (configuration, edited in place and audited)."""
    if actor.school is None or actor.role not in DSL_TEAM_ROLES:
        raise PermissionDenied("Only a school's safeguarding team can change its cadences.")
    values = {
        "cp_plan_days": cp_plan_days,
        "cin_days": cin_days,
        "early_help_days": early_help_days,
        "monitoring_days": monitoring_days,
        "due_soon_days": due_soon_days,
    }
    for name, days in values.items():
        low = 0 if name == "due_soon_days" else 1
        if not low <= days <= 365:
            raise ValidationError({name: f"Enter a number of days from {low} to 365."})
    found, _ = VoiceSettings.objects.select_for_update().get_or_create(school=actor.school)
    before = {name: getattr(found, name) for name in values}
    for name, days in values.items():
        setattr(found, name, days)
    found.save()
    audit.record(
        actor=actor,
        action=AuditAction.VOICE_SETTINGS_CHANGED,
        target=found,
        request=request,
        details={"before": before, "after": values},
    )
    return found
