"""Check-in schedules and the child's voice, with its versions and attachments, in the history
import and export."""

import base64
import hashlib
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Prefetch
from django.utils import timezone

from casework.importers.held import (
    MAX_TEXT,
    compact,
    iso_value,
    line_head,
    on_roll_check,
    read_choice,
    read_int_between,
    school_of,
    written_at,
)
from concerns.importers.common import BadLine, LineError
from concerns.importers.history_values import (
    read_attachment,
    read_bool,
    read_items,
    read_moment,
    read_person,
    read_text,
)
from pupils.models import Pupil
from schools.models import Membership
from sources.themes import THEME_CODES, THEME_SLUGS, clean_themes
from voice import attachments as voice_files
from voice.models import (
    CheckInSchedule,
    Communication,
    Occasion,
    ShareMethod,
    VoiceAttachment,
    VoiceEntry,
    VoiceEntryVersion,
)


class _CheckInKind:
    """A check-in schedule as it was set (`occurred_at`): the trusted adult and how often."""

    kind = "check_in"
    columns = ("trusted_adult", "cadence_days")
    targets = ("voice.checkinschedule",)

    def check(
        self, line: int, raw: dict[str, Any], *, pupil: Pupil, school_id: UUID
    ) -> dict[str, Any] | None:
        cadence = read_int_between(raw, line, "cadence_days", low=1, high=365)
        adult = read_person(raw, line, "trusted_adult") if raw.get("trusted_adult") else None
        set_at = read_moment(raw.get("occurred_at"), line, "occurred_at")
        if CheckInSchedule.objects.filter(
            pupil_id=pupil.pk, school_id=school_id, set_at=set_at
        ).exists():
            return None
        return {"cadence_days": cadence, "trusted_adult": adult}

    def write(self, record: Any, *, actor: Membership, source_system: str, authors: Any) -> None:
        on_roll_check(record.pupil, school_of(actor), record.occurred_at.date())
        adult = record.fields["trusted_adult"]
        schedule = CheckInSchedule(
            pupil=record.pupil,
            school_id=school_of(actor),
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
            yield compact(
                {
                    **line_head(self.kind, c.pupil, c.set_at, c.set_at, names.of(c, c.set_by)),
                    "text": c.reason,
                    "cadence_days": c.cadence_days,
                    "trusted_adult": names.of(c, c.trusted_adult, field="trusted_adult")
                    if has_adult
                    else None,
                }
            )


CHECK_IN = _CheckInKind()


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
            "occasion": read_choice(
                item, line, "occasion", Occasion, default=Occasion.CHECK_IN, where=where
            ),
            "words": read_text(item.get("words"), line, f"{where}.words", required=True),
            "share_methods": methods,
            "themes": clean_themes(themes),
            "scale_score": read_int_between(item, line, "scale_score", low=0, high=10),
            "other_adult_present": bool(
                read_bool(item.get("other_adult_present"), line, f"{where}.other_adult_present")
            ),
            "communication": read_choice(
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
        created = written_at(raw, line)
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
            added_in = read_int_between(item, line, "version", low=1, high=len(versions)) or 1
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
        on_roll_check(record.pupil, school_of(actor), record.occurred_at.date())
        entry = VoiceEntry(
            pupil=record.pupil,
            school_id=school_of(actor),
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
                **line_head(
                    self.kind,
                    e.pupil,
                    min(versions[0].occurred_at, e.created_at),
                    e.created_at,
                    names.of(e, e.recorded_by),
                ),
                "text": "",
                "versions": [
                    compact(
                        {
                            **{name: getattr(v, name) for name in _VOICE_TEXT},
                            "occurred_at": iso_value(v.occurred_at),
                            "occasion": v.occasion,
                            "words": v.words,
                            "share_methods": list(v.share_methods),
                            "themes": list(v.themes),
                            "scale_score": v.scale_score,
                            "other_adult_present": v.other_adult_present or None,
                            "communication": v.communication,
                            "amendment_reason": v.amendment_reason,
                            "written_at": iso_value(v.written_at),
                            "author": names.of(v, v.written_by),
                        }
                    )
                    for v in versions
                ],
                "attachments": [
                    compact(
                        {
                            "name": a.original_name,
                            "content_type": a.content_type,
                            "content": base64.b64encode(
                                voice_files.path_of(a.stored_as).read_bytes()
                            ).decode("ascii"),
                            "description": a.description,
                            "version": a.added_in.number if a.added_in else None,
                            "uploaded_at": iso_value(a.uploaded_at),
                            "author": names.of(a, a.uploaded_by),
                        }
                    )
                    for a in e.attachments.all()
                ],
            }


VOICE = _VoiceKind()
