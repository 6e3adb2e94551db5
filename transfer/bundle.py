"""The transfer bundle: the child's whole file as documented JSON, a readable PDF, the files
attached to records, and a manifest of SHA-256 hashes (docs/transfer-format.md).

Building reads through the record apps' own access rules: the chronology's sources (every
record app's dated records, as the viewer may see them) and each app's attachments visible to
the viewer. The caller has passed the child through the gate (`transfer.access`).
"""

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.models import MeetingReport
from casework.services.meetings import report_path
from chronology.exports import chronology_pdf
from chronology.selectors import ChronologyFilters, chronology_for
from concerns.access import concerns_visible_to
from concerns.models import Attachment
from concerns.services.attachments import attachment_path
from pupils.models import Enrolment, Pupil
from schools.models import Membership, School
from sources.chronology import Entry
from voice.access import voice_entries_visible_to
from voice.attachments import path_of
from voice.models import VoiceAttachment

FORMAT = "cairn-cp-file"
VERSION = 1
FILE_JSON = "file.json"
FILE_PDF = "file.pdf"
MANIFEST = "manifest.json"
ATTACHMENTS = "attachments/"
# A bundle larger than this is refused before it is read (zip bombs included).
MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024


class BundleError(ValueError):
    """The bundle cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class Party:
    urn: str
    name: str

    def as_json(self) -> dict[str, str]:
        return {"urn": self.urn, "name": self.name}


@dataclass(frozen=True, slots=True)
class AttachmentFile:
    record_id: str
    original_name: str
    content_type: str
    uploaded_at: datetime | None
    uploaded_by: str
    path: Path


@dataclass
class Built:
    contents: bytes
    records: int
    attachments: int


@dataclass
class Unpacked:
    document: dict[str, Any]
    pdf: bytes
    attachments: dict[str, bytes] = field(default_factory=dict)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def record_id(entry: Entry) -> str:
    return f"{entry.kind}:{entry.source_id}"


def _record(entry: Entry) -> dict[str, Any]:
    return {
        "id": record_id(entry),
        "kind": entry.kind,
        "kind_label": entry.kind_label,
        "occurred_at": _iso(entry.occurred_at),
        "recorded_at": _iso(entry.recorded_at),
        "title": entry.title,
        "summary": entry.summary,
        "author": entry.author,
        "categories": list(entry.categories),
        "significant": entry.significant,
    }


def _front_sheet(pupil: Pupil, *, school: School) -> dict[str, Any]:
    enrolments = Enrolment.objects.filter(pupil=pupil, school=school).order_by("start_date")
    return {
        "upn": pupil.upn,
        "legal_forename": pupil.legal_forename,
        "legal_surname": pupil.legal_surname,
        "preferred_forename": pupil.preferred_forename,
        "preferred_surname": pupil.preferred_surname,
        "middle_names": pupil.middle_names,
        "date_of_birth": pupil.date_of_birth.isoformat(),
        "sex": pupil.sex,
        "year_group": pupil.year_group,
        "sen_status": pupil.sen_status,
        "looked_after": pupil.looked_after,
        "previously_looked_after": pupil.previously_looked_after,
        "young_carer": pupil.young_carer,
        "social_care_status": pupil.get_social_care_status_display(),
        "enrolments": [
            {
                "start_date": e.start_date.isoformat(),
                "end_date": e.end_date.isoformat() if e.end_date else None,
                "end_reason": e.get_end_reason_display() if e.end_reason else "",
            }
            for e in enrolments
        ],
    }


def _attachments(*, viewer: Membership, pupil: Pupil, school: School) -> list[AttachmentFile]:
    found: list[AttachmentFile] = []
    concerns = concerns_visible_to(viewer=viewer).filter(parts__pupil=pupil)
    for a in (
        Attachment.objects.filter(concern__in=concerns)
        .select_related("uploaded_by__user")
        .order_by("uploaded_at", "pk")
    ):
        found.append(
            AttachmentFile(
                record_id=f"concern:{a.concern_id}:{pupil.pk}",
                original_name=a.original_name,
                content_type=a.content_type,
                uploaded_at=a.uploaded_at,
                uploaded_by=a.uploaded_by.user.full_name,
                path=attachment_path(a),
            )
        )
    entries = voice_entries_visible_to(viewer=viewer).filter(pupil=pupil)
    for v in (
        VoiceAttachment.objects.filter(entry__in=entries)
        .select_related("uploaded_by__user")
        .order_by("uploaded_at", "pk")
    ):
        found.append(
            AttachmentFile(
                record_id=f"voice:{v.entry_id}",
                original_name=v.original_name,
                content_type=v.content_type,
                uploaded_at=v.uploaded_at,
                uploaded_by=v.uploaded_by.user.full_name,
                path=path_of(v.stored_as),
            )
        )
    for r in (
        MeetingReport.objects.filter(meeting__pupil=pupil, meeting__school=school)
        .select_related("uploaded_by__user")
        .order_by("uploaded_at", "pk")
    ):
        found.append(
            AttachmentFile(
                record_id=f"meeting:{r.meeting_id}",
                original_name=r.original_name,
                content_type=r.content_type,
                uploaded_at=r.uploaded_at,
                uploaded_by=r.uploaded_by.user.full_name,
                path=report_path(r),
            )
        )
    return found


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe_name(number: int, name: str) -> str:
    cleaned = _UNSAFE.sub("-", name).strip(".-")[:80] or "file"
    return f"{ATTACHMENTS}{number:04d}-{cleaned}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(
    *,
    viewer: Membership,
    pupil: Pupil,
    transfer_id: str,
    sender: Party,
    receiver: Party,
    left_on: str,
) -> Built:
    """The bundle's bytes (a zip archive). Refused (ValidationError) if a file attached to a
    record is missing from storage: a file that is not whole is never sent."""
    school = viewer.school
    assert school is not None
    chronology = chronology_for(viewer=viewer, pupils=[pupil], filters=ChronologyFilters())
    newest_first: Sequence[Entry] = chronology.entries
    oldest_first = list(reversed(newest_first))
    exported_by = f"{viewer.user.full_name} ({viewer.get_role_display()})"
    files: dict[str, bytes] = {}
    attachment_rows: list[dict[str, Any]] = []
    for number, item in enumerate(_attachments(viewer=viewer, pupil=pupil, school=school), start=1):
        try:
            data = item.path.read_bytes()
        except OSError as error:
            raise ValidationError(
                f"The file {item.original_name} attached to the child's record is missing from "
                "storage; the bundle was not made."
            ) from error
        name = _safe_name(number, item.original_name)
        files[name] = data
        attachment_rows.append(
            {
                "path": name,
                "record_id": item.record_id,
                "original_name": item.original_name,
                "content_type": item.content_type,
                "size": len(data),
                "sha256": _sha(data),
                "uploaded_at": _iso(item.uploaded_at),
                "uploaded_by": item.uploaded_by,
            }
        )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "transfer_id": transfer_id,
        "created_at": timezone.now().isoformat(),
        "created_by": exported_by,
        "from_school": sender.as_json(),
        "to_school": receiver.as_json(),
        "left_on": left_on,
        "child": _front_sheet(pupil, school=school),
        "records": [_record(e) for e in oldest_first],
        "attachments": attachment_rows,
    }
    files[FILE_JSON] = json.dumps(document, indent=1, ensure_ascii=False).encode()
    files[FILE_PDF] = chronology_pdf(
        pupils=[pupil],
        entries=newest_first,
        redact=False,
        exported_by=exported_by,
        school_name=school.name,
    )
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "transfer_id": transfer_id,
        "from_school": sender.as_json(),
        "to_school": receiver.as_json(),
        "files": [
            {"path": path, "size": len(data), "sha256": _sha(data)}
            for path, data in sorted(files.items())
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
        for path, data in sorted(files.items()):
            archive.writestr(path, data)
    return Built(
        contents=buffer.getvalue(), records=len(oldest_first), attachments=len(attachment_rows)
    )


def _need(mapping: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise BundleError(f"The file's {where} has no {key.replace('_', ' ')}.")
    value = mapping[key]
    if not isinstance(value, kind):
        raise BundleError(f"The file's {where} has a {key.replace('_', ' ')} of the wrong kind.")
    return value


def _moment(record: dict[str, Any], key: str) -> None:
    """A date and time with its offset from UTC, or BundleError."""
    try:
        moment = datetime.fromisoformat(record[key])
    except (TypeError, ValueError) as error:
        raise BundleError(f"The record {record['id']} has a date Cairn cannot read.") from error
    if moment.tzinfo is None:
        raise BundleError(f"The record {record['id']} has a time without its offset from UTC.")


def _check_document(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BundleError("The file does not hold a child protection file in Cairn's format.")
    if document.get("version") != VERSION:
        raise BundleError(f"The file is format version {document.get('version')}; Cairn reads 1.")
    _need(document, "transfer_id", str, "description")
    for party in ("from_school", "to_school"):
        _need(_need(document, party, dict, "description"), "name", str, party.replace("_", " "))
    child = _need(document, "child", dict, "description")
    _need(child, "upn", str, "child")
    for record in _need(document, "records", list, "description"):
        for key in ("id", "kind", "kind_label", "occurred_at", "title"):
            _need(record, key, str, "record")
        for key, kind in (("summary", str), ("author", str), ("significant", bool)):
            if key in record and not isinstance(record[key], kind):
                raise BundleError(f"The record {record['id']} has a {key} of the wrong kind.")
        categories = record.get("categories", [])
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            raise BundleError(f"The record {record['id']} has categories of the wrong kind.")
        for key in ("occurred_at", "recorded_at"):
            if key == "recorded_at" and record.get(key) is None:
                continue
            _moment(record, key)
    for row in _need(document, "attachments", list, "description"):
        for key in ("path", "original_name", "sha256", "record_id", "content_type"):
            _need(row, key, str, "attachment")
    return document


def _read_archive(contents: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and every file it lists, each checked against its hash and size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(contents))
    except zipfile.BadZipFile as error:
        raise BundleError("The bundle is not a readable archive: it may be incomplete.") from error
    with archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            raise BundleError("The bundle has no manifest.")
        if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise BundleError("The bundle is larger than Cairn accepts.")
        try:
            manifest = json.loads(archive.read(MANIFEST))
            listed = {f["path"]: f for f in manifest["files"]}
        except (ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
            raise BundleError("The bundle's manifest cannot be read.") from error
        extra = names - set(listed) - {MANIFEST}
        if extra:
            raise BundleError(f"The bundle holds a file its manifest does not list: {min(extra)}.")
        files: dict[str, bytes] = {}
        for path, entry in sorted(listed.items()):
            if path not in names:
                raise BundleError(f"The bundle is missing {path}, which its manifest lists.")
            try:
                data = archive.read(path)
            except (zipfile.BadZipFile, OSError) as error:
                raise BundleError(f"{path} in the bundle cannot be read.") from error
            if _sha(data) != entry.get("sha256") or len(data) != entry.get("size"):
                raise BundleError(f"{path} does not match its hash in the manifest.")
            files[path] = data
    return manifest, files


def unpack(contents: bytes) -> Unpacked:
    """The bundle's file, PDF and attachments, each checked against the manifest's hash; or
    BundleError naming the first thing wrong."""
    manifest, files = _read_archive(contents)
    if FILE_JSON not in files or FILE_PDF not in files:
        raise BundleError("The bundle has no file.json or file.pdf.")
    try:
        document = _check_document(json.loads(files[FILE_JSON]))
    except BundleError:
        raise
    except ValueError as error:
        raise BundleError("The bundle's file.json is not valid JSON.") from error
    if manifest.get("transfer_id") != document["transfer_id"] or manifest.get(
        "to_school"
    ) != document.get("to_school"):
        raise BundleError("The bundle's manifest and file.json disagree about the transfer.")
    attachments = {}
    for row in document["attachments"]:
        if row["path"] not in files or _sha(files[row["path"]]) != row["sha256"]:
            raise BundleError(f"The attachment {row['original_name']} does not match its hash.")
        attachments[row["path"]] = files[row["path"]]
    return Unpacked(document=document, pdf=files[FILE_PDF], attachments=attachments)
