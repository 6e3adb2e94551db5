"""Writing concerns, decisions, actions and the other records on a child's timeline.

Every function takes a keyword-only `actor`, audits in the same transaction, and never updates
or deletes a record: amendments are new rows with a reason.
"""

import csv
import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from audit import services as audit
from audit.models import AuditAction
from background.signals import announce_records_changed
from concerns.models import (
    Action,
    ActionCompletion,
    Alert,
    AllegationRecord,
    Attachment,
    BehaviourIncident,
    BodyMark,
    BodyRegion,
    BodySide,
    Category,
    CategoryGroup,
    ChildPresent,
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
from concerns.tasks import dsl_team_alert_email
from pupils.models import Pupil
from schools.models import DSL_TEAM_ROLES, Membership, School

logger = logging.getLogger(__name__)

# Django's stubs make UploadedFile generic; the runtime class is not, so the alias is lazy.
type Upload = UploadedFile[bytes]

CATEGORIES_CSV = Path(__file__).resolve().parent / "data" / "categories.csv"

# First bytes of the file types that have a signature; a file claiming one of these extensions
# must start with it.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
}
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


# -- Categories -------------------------------------------------------------------------------


def categories_ensure(*, school: School) -> None:
    """Give `school` the seeded category list (KCSIE categories and specific issues) if it has
    none yet. Idempotent; the school may then rename, add or retire categories as data."""
    if Category.objects.filter(school=school).exists():
        return
    with CATEGORIES_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    Category.objects.bulk_create(
        [
            Category(
                school=school,
                code=row["code"],
                label=row["label"],
                group=row["group"],
                cp_code=row["cp_code"],
                signs=row["signs"],
                what_to_do=row["what_to_do"],
                source=row["kcsie_ref"],
                position=position,
            )
            for position, row in enumerate(rows)
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def category_save(
    *,
    actor: Membership,
    category: Category | None,
    label: str,
    signs: str,
    what_to_do: str,
    is_active: bool,
    request: HttpRequest | None = None,
) -> Category:
    """Add a category to the school's list, or change one. Concerns keep the categories they
    were recorded with; a retired category is no longer offered."""
    if actor.school is None:
        raise ValidationError("Categories belong to a school.")
    if not label.strip():
        raise ValidationError("Give the category a name.")
    before: dict[str, object] = {}
    if category is None:
        position = Category.objects.filter(school=actor.school).count()
        code = slugify(label)[:40] or "category"
        if Category.objects.filter(school=actor.school, code=code).exists():
            code = f"{code[:31]}-{uuid.uuid4().hex[:8]}"
        category = Category(
            school=actor.school, code=code, group=CategoryGroup.ISSUE, position=position
        )
    else:
        if category.school_id != actor.school_id:
            raise ValidationError("That category belongs to another school.")
        before = {
            "label": category.label,
            "signs": category.signs,
            "what_to_do": category.what_to_do,
            "is_active": category.is_active,
        }
    category.label = label.strip()
    category.signs = signs.strip()
    category.what_to_do = what_to_do.strip()
    category.is_active = is_active
    category.save()
    audit.record(
        actor=actor,
        action=AuditAction.CONCERN_CATEGORY_CHANGED,
        target=category,
        request=request,
        details={"before": before, "label": category.label, "is_active": is_active},
    )
    return category


# -- Attachments ------------------------------------------------------------------------------


def attachment_check(upload: Upload) -> str:
    """The upload's lower-case extension if its type and size are accepted; else ValidationError."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [t.lower() for t in settings.CAIRN_ATTACHMENT_TYPES]
    if extension not in allowed:
        raise ValidationError(
            f"{name}: files of this type are not accepted. Accepted: {', '.join(allowed)}."
        )
    limit = settings.CAIRN_ATTACHMENT_MAX_BYTES
    if (upload.size or 0) > limit:
        raise ValidationError(f"{name}: the file is larger than {limit // (1024 * 1024)} MB.")
    signatures = _SIGNATURES.get(extension)
    if signatures:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(sig) for sig in signatures):
            raise ValidationError(f"{name}: the file's contents are not a .{extension} file.")
    return extension


def _attachment_store(
    *, actor: Membership, concern: Concern, upload: Upload, now: datetime
) -> Attachment:
    extension = attachment_check(upload)
    stored_name = uuid.uuid4().hex
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with (folder / stored_name).open("xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    attachment = Attachment.objects.create(
        concern=concern,
        original_name=Path(upload.name or "file").name[:255],
        content_type=_CONTENT_TYPES.get(extension, "application/octet-stream"),
        size=size,
        sha256=digest.hexdigest(),
        stored_name=stored_name,
        uploaded_by=actor,
        uploaded_at=now,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ATTACHMENT_ADDED,
        target=attachment,
        details={"concern": str(concern.pk), "sha256": attachment.sha256},
    )
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "attachments" / attachment.stored_name


# -- Recording a concern ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChildPart:
    pupil: Pupil
    part: Part


@dataclass(frozen=True, slots=True)
class MarkInput:
    side: BodySide
    region: BodyRegion
    description: str
    x: Decimal | None = None
    y: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ConcernInput:
    children: Sequence[ChildPart]
    occurred_at: datetime
    facts: str
    child_words: str = ""
    location: str = ""
    categories: Sequence[Category] = ()
    marks: Sequence[MarkInput] = ()
    attachments: Sequence[Upload] = ()
    urgent_told_dsl: bool = False
    told_dsl_name: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _audit_per_child(
    *,
    actor: Membership | None,
    action: AuditAction,
    concern: Concern,
    pupil_ids: Iterable[uuid.UUID],
    request: HttpRequest | None = None,
    reason: str = "",
    details: dict[str, object] | None = None,
) -> None:
    """One event for each child, so every child's access log shows the record."""
    for pupil_id in pupil_ids:
        audit.record(
            actor=actor,
            action=action,
            target=concern,
            pupil_id=pupil_id,
            request=request,
            reason=reason,
            details=details,
            school_id=concern.school_id,
        )


@transaction.atomic
def concern_record(
    *, actor: Membership, data: ConcernInput, request: HttpRequest | None = None
) -> Concern:
    """Record a concern about one or more children, alert the DSL team, and audit it."""
    if actor.school is None:
        raise ValidationError("Only members of a school's staff record concerns.")
    if not data.children:
        raise ValidationError("Choose the child the concern is about.")
    if not any(c.part == Part.SUBJECT for c in data.children):
        raise ValidationError("At least one child must be the child the concern is about.")
    if len({c.pupil.pk for c in data.children}) != len(data.children):
        raise ValidationError("Each child can be added once.")
    now = timezone.now()
    if data.occurred_at > now:
        raise ValidationError("When it happened cannot be in the future.")
    if not data.facts.strip():
        raise ValidationError("Write what you saw or heard.")
    concern = Concern.objects.create(
        school=actor.school,
        recorded_by=actor,
        author_name=actor.user.full_name,
        author_role=actor.get_role_display(),
        occurred_at=data.occurred_at,
        written_at=now,
        location=data.location.strip(),
        urgent_told_dsl=data.urgent_told_dsl,
        told_dsl_name=data.told_dsl_name.strip(),
    )
    ConcernPupil.objects.bulk_create(
        [ConcernPupil(concern=concern, pupil=c.pupil, part=c.part) for c in data.children]
    )
    version = ConcernVersion.objects.create(
        concern=concern,
        number=1,
        facts=data.facts.strip(),
        child_words=data.child_words.strip(),
        written_by=actor,
        written_at=now,
    )
    version.categories.set([c for c in data.categories if c.school_id == actor.school_id])
    BodyMark.objects.bulk_create(
        [
            BodyMark(
                concern=concern,
                side=m.side,
                region=m.region,
                x=m.x,
                y=m.y,
                description=m.description.strip(),
            )
            for m in data.marks
        ]
    )
    for upload in data.attachments:
        _attachment_store(actor=actor, concern=concern, upload=upload, now=now)
    _audit_per_child(
        actor=actor,
        action=AuditAction.CONCERN_RECORDED,
        concern=concern,
        pupil_ids=[c.pupil.pk for c in data.children],
        request=request,
        details={"urgent": data.urgent_told_dsl},
    )
    recipients = list(
        Membership.objects.filter(
            school=actor.school, role__in=DSL_TEAM_ROLES, is_active=True
        ).select_related("user")
    )
    Alert.objects.bulk_create(
        [
            Alert(recipient=m, concern=concern, urgent=data.urgent_told_dsl, created_at=now)
            for m in recipients
        ]
    )
    # Queued in this transaction: the e-mail goes only if the concern is saved (docs/adr/0016).
    dsl_team_alert_email.enqueue(concern_id=str(concern.pk))
    announce_records_changed(pupil_ids=[c.pupil.pk for c in data.children])
    return concern


def concern_pupil_ids(concern: Concern) -> list[uuid.UUID]:
    return list(concern.parts.values_list("pupil_id", flat=True))


@transaction.atomic
def concern_amend(
    *,
    actor: Membership,
    concern: Concern,
    facts: str,
    child_words: str,
    categories: Sequence[Category],
    reason: str,
    request: HttpRequest | None = None,
) -> ConcernVersion:
    """A new version of the concern's text, with the reason. Earlier versions stay as written."""
    if not reason.strip():
        raise ValidationError("Say why the record is being amended.")
    if not facts.strip():
        raise ValidationError("The facts cannot be empty.")
    latest = concern.versions.aggregate(n=Max("number"))["n"] or 0
    version = ConcernVersion.objects.create(
        concern=concern,
        number=latest + 1,
        facts=facts.strip(),
        child_words=child_words.strip(),
        reason=reason.strip(),
        written_by=actor,
        written_at=timezone.now(),
    )
    version.categories.set([c for c in categories if c.school_id == concern.school_id])
    _audit_per_child(
        actor=actor,
        action=AuditAction.CONCERN_AMENDED,
        concern=concern,
        pupil_ids=concern_pupil_ids(concern),
        request=request,
        reason=reason.strip(),
        details={"version": version.number},
    )
    announce_records_changed(pupil_ids=concern_pupil_ids(concern))
    return version


@transaction.atomic
def concern_add_note(
    *,
    actor: Membership,
    concern: Concern,
    text: str,
    attachments: Sequence[Upload] = (),
    request: HttpRequest | None = None,
) -> Note:
    """Further information added to a concern; the concern as submitted is unchanged."""
    if not text.strip():
        raise ValidationError("Write the further information.")
    now = timezone.now()
    note = Note.objects.create(concern=concern, text=text.strip(), written_by=actor, written_at=now)
    for upload in attachments:
        _attachment_store(actor=actor, concern=concern, upload=upload, now=now)
    _audit_per_child(
        actor=actor,
        action=AuditAction.CONCERN_NOTE_ADDED,
        concern=concern,
        pupil_ids=concern_pupil_ids(concern),
        request=request,
    )
    return note


def concern_viewed(*, actor: Membership, concern: Concern, request: HttpRequest | None) -> None:
    """Audit a read of a concern (once per child in it), and mark the viewer's alert seen."""
    with transaction.atomic():
        _audit_per_child(
            actor=actor,
            action=AuditAction.CONCERN_VIEWED,
            concern=concern,
            pupil_ids=concern_pupil_ids(concern),
            request=request,
        )
        Alert.objects.filter(recipient=actor, concern=concern, seen_at__isnull=True).update(
            seen_at=timezone.now()
        )


# -- Decisions, referrals and actions ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DecisionInput:
    outcome: Outcome
    rationale: str
    review_date: date | None = None
    agency: str = ""
    referral_reference: str = ""
    referral_date: date | None = None
    outcome_expected_by: date | None = None
    adult_name: str = ""
    adult_role: str = ""


def _decision_check(data: DecisionInput) -> None:
    if not data.rationale.strip():
        raise ValidationError("Give the reasons for the decision.")
    if data.outcome == Outcome.MONITOR and data.review_date is None:
        raise ValidationError("Give a review date for monitoring.")
    if data.outcome == Outcome.SOCIAL_CARE and data.referral_date is None:
        raise ValidationError("Give the date of the referral to children's social care.")
    if data.outcome == Outcome.LADO and not (data.adult_name.strip() and data.adult_role.strip()):
        raise ValidationError("Name the adult and their role for the allegations register.")
    if data.outcome == Outcome.OTHER_AGENCY and not data.agency.strip():
        raise ValidationError("Name the agency.")


@transaction.atomic
def decision_record(
    *,
    actor: Membership,
    concern: Concern,
    data: DecisionInput,
    supersedes: Decision | None = None,
    change_reason: str = "",
    request: HttpRequest | None = None,
) -> Decision:
    """The DSL's decision on a concern with its rationale; a change supersedes, with a reason."""
    _decision_check(data)
    if supersedes is not None:
        if supersedes.concern_id != concern.pk:
            raise ValidationError("That decision belongs to another concern.")
        if Decision.objects.filter(supersedes=supersedes).exists():
            raise ValidationError("That decision has already been changed.")
        if not change_reason.strip():
            raise ValidationError("Say why the decision is being changed.")
    now = timezone.now()
    decision = Decision.objects.create(
        concern=concern,
        outcome=data.outcome,
        rationale=data.rationale.strip(),
        review_date=data.review_date,
        agency=data.agency.strip(),
        referral_reference=data.referral_reference.strip(),
        referral_date=data.referral_date,
        outcome_expected_by=data.outcome_expected_by,
        supersedes=supersedes,
        change_reason=change_reason.strip(),
        decided_by=actor,
        decided_by_name=actor.user.full_name,
        decided_at=now,
        written_at=now,
    )
    if data.outcome == Outcome.LADO:
        AllegationRecord.objects.create(
            school_id=concern.school_id,
            decision=decision,
            adult_name=data.adult_name.strip(),
            adult_role=data.adult_role.strip(),
            lado_reference=data.referral_reference.strip(),
            recorded_by=actor,
            recorded_at=now,
        )
    _audit_per_child(
        actor=actor,
        action=AuditAction.DECISION_RECORDED,
        concern=concern,
        pupil_ids=concern_pupil_ids(concern),
        request=request,
        reason=change_reason.strip(),
        details={"outcome": str(data.outcome), "decision": str(decision.pk)},
    )
    announce_records_changed(pupil_ids=concern_pupil_ids(concern))
    return decision


@transaction.atomic
def referral_outcome_record(
    *,
    actor: Membership,
    decision: Decision,
    received_on: date,
    outcome: str,
    school_agrees: bool,
    next_steps: str = "",
    request: HttpRequest | None = None,
) -> ReferralOutcome:
    """What the agency decided and whether the school agrees; disagreeing needs next steps."""
    if not decision.is_referral:
        raise ValidationError("Only a referral has an outcome from another agency.")
    if not outcome.strip():
        raise ValidationError("Write the outcome.")
    if not school_agrees and not next_steps.strip():
        raise ValidationError("Say what the school will do next, as it does not agree.")
    result = ReferralOutcome.objects.create(
        decision=decision,
        received_on=received_on,
        outcome=outcome.strip(),
        school_agrees=school_agrees,
        next_steps=next_steps.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    _audit_per_child(
        actor=actor,
        action=AuditAction.REFERRAL_OUTCOME_RECORDED,
        concern=decision.concern,
        pupil_ids=concern_pupil_ids(decision.concern),
        request=request,
        details={"agrees": school_agrees},
    )
    announce_records_changed(pupil_ids=concern_pupil_ids(decision.concern))
    return result


@transaction.atomic
def action_assign(
    *,
    actor: Membership,
    concern: Concern,
    assignee: Membership,
    description: str,
    due_on: date,
    request: HttpRequest | None = None,
) -> Action:
    if assignee.school_id != concern.school_id or not assignee.is_active:
        raise ValidationError("Actions go to current staff of the concern's school.")
    if not description.strip():
        raise ValidationError("Describe the action.")
    action = Action.objects.create(
        concern=concern,
        description=description.strip(),
        assigned_to=assignee,
        due_on=due_on,
        created_by=actor,
        created_at=timezone.now(),
    )
    _audit_per_child(
        actor=actor,
        action=AuditAction.ACTION_ASSIGNED,
        concern=concern,
        pupil_ids=concern_pupil_ids(concern),
        request=request,
        details={"action": str(action.pk), "assignee": str(assignee.pk)},
    )
    announce_records_changed(pupil_ids=concern_pupil_ids(concern))
    return action


@transaction.atomic
def action_complete(
    *, actor: Membership, action: Action, note: str, request: HttpRequest | None = None
) -> ActionCompletion:
    if ActionCompletion.objects.filter(action=action).exists():
        raise ValidationError("This action is already done.")
    if not note.strip():
        raise ValidationError("Say what was done.")
    completion = ActionCompletion.objects.create(
        action=action, note=note.strip(), completed_by=actor, completed_at=timezone.now()
    )
    _audit_per_child(
        actor=actor,
        action=AuditAction.ACTION_COMPLETED,
        concern=action.concern,
        pupil_ids=concern_pupil_ids(action.concern),
        request=request,
        details={"action": str(action.pk)},
    )
    announce_records_changed(pupil_ids=concern_pupil_ids(action.concern))
    return completion


# -- Behaviour and Operation Encompass --------------------------------------------------------


@transaction.atomic
def behaviour_record(
    *,
    actor: Membership,
    pupil: Pupil,
    occurred_at: datetime,
    incident_type: str,
    description: str = "",
    action_taken: str = "",
    request: HttpRequest | None = None,
) -> BehaviourIncident:
    if actor.school_id is None:
        raise ValidationError("Only members of a school record behaviour.")
    now = timezone.now()
    if occurred_at > now:
        raise ValidationError("When it happened cannot be in the future.")
    incident = BehaviourIncident.objects.create(
        school_id=actor.school_id,
        pupil=pupil,
        occurred_at=occurred_at,
        incident_type=incident_type.strip(),
        description=description.strip(),
        action_taken=action_taken.strip(),
        author_name=actor.user.full_name,
        recorded_by=actor,
        recorded_at=now,
    )
    audit.record(
        actor=actor,
        action=AuditAction.BEHAVIOUR_RECORDED,
        target=incident,
        pupil_id=pupil.pk,
        request=request,
    )
    announce_records_changed(pupil_ids=[pupil.pk])
    return incident


@dataclass(frozen=True, slots=True)
class EncompassInput:
    pupils: Sequence[Pupil]
    police_reference: str
    occurred_at: datetime
    received_at: datetime
    child_present: ChildPresent
    welfare_check_on: date
    voice_of_child: str = ""
    details: str = ""


@transaction.atomic
def encompass_record(
    *, actor: Membership, data: EncompassInput, request: HttpRequest | None = None
) -> EncompassNotification:
    """Record an Operation Encompass notification for the child and the household's others."""
    if not actor.is_dsl_team or actor.school_id is None:
        raise ValidationError("Only the safeguarding team records police notifications.")
    if not data.pupils:
        raise ValidationError("Choose the child the notification is about.")
    if not data.police_reference.strip():
        raise ValidationError("Give the police reference.")
    notification = EncompassNotification.objects.create(
        school_id=actor.school_id,
        police_reference=data.police_reference.strip(),
        occurred_at=data.occurred_at,
        received_at=data.received_at,
        child_present=data.child_present,
        welfare_check_on=data.welfare_check_on,
        voice_of_child=data.voice_of_child.strip(),
        details=data.details.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    notification.pupils.set(data.pupils)
    for pupil in data.pupils:
        audit.record(
            actor=actor,
            action=AuditAction.ENCOMPASS_RECORDED,
            target=notification,
            pupil_id=pupil.pk,
            request=request,
        )
    announce_records_changed(pupil_ids=[p.pk for p in data.pupils])
    return notification


__all__ = [
    "ChildPart",
    "ConcernInput",
    "DecisionInput",
    "EncompassInput",
    "MarkInput",
    "Source",
]
