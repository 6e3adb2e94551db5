"""Writes: supervision sessions, reflective reviews, practice reviews (one at a time or a CSV
all or nothing) and what went well. Each audits itself in its transaction; nothing is changed
in place or deleted."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.bounds import quoted, upload_refusal
from audit.models import AuditAction
from casework.models import Plan
from concerns.models import Concern
from learning.models import (
    Expectations,
    PracticeReview,
    ReflectiveReview,
    ReviewSource,
    SupervisionChild,
    SupervisionSession,
    Theme,
    WentWell,
)
from learning.terms import term_start
from pupils.models import Pupil
from schools.models import Membership


def _team(actor: Membership) -> UUID:
    if not actor.is_dsl_team or actor.school_id is None:
        raise ValidationError("Only the safeguarding team records this.")
    return actor.school_id


def _past(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "The date must be today or in the past."})


@transaction.atomic
def supervision_record(
    *,
    actor: Membership,
    held_on: date,
    supervisor: str,
    attendees: str,
    reflections: str,
    agreed_actions: str = "",
    children: list[Pupil],
    request: HttpRequest | None = None,
) -> SupervisionSession:
    """Record a supervision session; `children` (already through the gate) are linked."""
    school_id = _team(actor)
    _past(held_on, "held_on")
    if not reflections.strip():
        raise ValidationError({"reflections": "Enter the reflections."})
    session = SupervisionSession.objects.create(
        school_id=school_id,
        held_on=held_on,
        supervisor=supervisor.strip(),
        attendees=attendees.strip(),
        reflections=reflections.strip(),
        agreed_actions=agreed_actions.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    SupervisionChild.objects.bulk_create(
        SupervisionChild(session=session, pupil=p) for p in dict.fromkeys(children)
    )
    audit.record(
        actor=actor,
        action=AuditAction.SUPERVISION_RECORDED,
        target=session,
        request=request,
        details={"children": len(children)},
    )
    for pupil in dict.fromkeys(children):
        audit.record(
            actor=actor,
            action=AuditAction.SUPERVISION_RECORDED,
            target=session,
            pupil_id=pupil.pk,
            request=request,
        )
    return session


@transaction.atomic
def reflective_review_record(
    *,
    actor: Membership,
    held_on: date,
    expectations: Expectations,
    what_we_saw: str,
    concluded: str,
    request: HttpRequest | None = None,
) -> ReflectiveReview:
    school_id = _team(actor)
    _past(held_on, "held_on")
    review = ReflectiveReview.objects.create(
        school_id=school_id,
        term_start=term_start(held_on),
        held_on=held_on,
        expectations=expectations,
        what_we_saw=what_we_saw.strip(),
        concluded=concluded.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=actor, action=AuditAction.REFLECTIVE_REVIEW_RECORDED, target=review, request=request
    )
    return review


@dataclass(frozen=True, slots=True)
class ReviewInput:
    title: str
    publisher: str
    published_on: date
    link: str
    key_learning: str
    themes: list[str]
    used_in_training: str = ""
    policy_changes: str = ""


def _review_row(actor: Membership, data: ReviewInput, source: ReviewSource) -> PracticeReview:
    return PracticeReview(
        school_id=_team(actor),
        title=data.title.strip(),
        publisher=data.publisher.strip(),
        published_on=data.published_on,
        link=data.link.strip(),
        key_learning=data.key_learning.strip(),
        themes=[Theme(t).value for t in data.themes],
        used_in_training=data.used_in_training.strip(),
        policy_changes=data.policy_changes.strip(),
        source=source,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def practice_review_record(
    *, actor: Membership, data: ReviewInput, request: HttpRequest | None = None
) -> PracticeReview:
    _team(actor)
    review = _review_row(actor, data, ReviewSource.FORM)
    review.save(force_insert=True)
    audit.record(
        actor=actor, action=AuditAction.PRACTICE_REVIEW_RECORDED, target=review, request=request
    )
    return review


REVIEW_COLUMNS = ("title", "publisher", "published_on", "link", "key_learning", "themes")
_THEMES_BY_WORD = {**{t.value: t for t in Theme}, **{t.label.lower(): t for t in Theme}}


def _date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    return None


def _review_themes(text: str) -> tuple[list[str], list[str]]:
    themes, problems = [], []
    for word in [w.strip().lower() for w in text.split(";") if w.strip()]:
        theme = _THEMES_BY_WORD.get(word)
        if theme is None:
            problems.append(f"{quoted(word, 40)} is not a theme")
        else:
            themes.append(theme.value)
    return themes, problems


def _review_line(line: int, raw: dict[str, str]) -> tuple[ReviewInput | None, str]:
    v = {k: (raw.get(k) or "").strip() for k in (*REVIEW_COLUMNS, "used_in_training")}
    if any("\x00" in value for value in v.values()):
        return None, f"Line {line}: holds a NUL character (byte 0), which is not text."
    problems = [
        f"the {column} is longer than {limit} characters"
        for column, limit in (("title", 300), ("publisher", 200), ("link", 500))
        if len(v[column]) > limit
    ]
    problems += [
        f"the {words} is missing"
        for column, words in (
            ("title", "title"),
            ("publisher", "publisher"),
            ("key_learning", "key learning"),
        )
        if not v[column]
    ]
    published = _date(v["published_on"])
    if published is None:
        problems.append(f"{quoted(v['published_on'], 40)} is not a date")
    if v["link"]:
        try:
            URLValidator(schemes=["http", "https"])(v["link"])
        except ValidationError:
            problems.append(f"{quoted(v['link'], 80)} is not a web address")
    themes, theme_problems = _review_themes(v["themes"])
    problems += theme_problems
    if problems or published is None:
        return None, f"Line {line}: {'; '.join(problems)}."
    return ReviewInput(
        v["title"],
        v["publisher"],
        published,
        v["link"],
        v["key_learning"],
        themes,
        v["used_in_training"],
    ), ""


@transaction.atomic
def practice_reviews_import(
    *, actor: Membership, content: bytes, request: HttpRequest | None = None
) -> int:
    """Import practice reviews from a CSV (title, publisher, published_on, link, key_learning,
    themes separated by semicolons; optional used_in_training): every row or none."""
    _team(actor)
    refusal = upload_refusal("staffing_csv", len(content))
    if refusal:
        raise ValidationError(refusal)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError("The file is not UTF-8 text. Save it as CSV UTF-8.") from error
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REVIEW_COLUMNS if c not in header]
    if missing:
        raise ValidationError([f"Line 1: the file has no {', '.join(missing)} column."])
    reader.fieldnames = header
    rows: list[PracticeReview] = []
    errors: list[str] = []
    for line, raw in enumerate(reader, start=2):
        data, problem = _review_line(line, raw)
        if data is None:
            errors.append(problem)
        else:
            rows.append(_review_row(actor, data, ReviewSource.IMPORT))
    if not rows and not errors:
        errors.append("The file has no rows of practice reviews.")
    if errors:
        raise ValidationError(errors)
    PracticeReview.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action=AuditAction.PRACTICE_REVIEWS_IMPORTED,
        request=request,
        details={"rows": len(rows)},
    )
    return len(rows)


@transaction.atomic
def went_well_record(
    *,
    actor: Membership,
    plan: Plan | None = None,
    concern: Concern | None = None,
    what_went_well: str,
    why: str,
    themes: list[str],
    request: HttpRequest | None = None,
) -> WentWell:
    """What went well, and why, when a plan ended (`plan`) or a case closed (`concern`)."""
    school_id = _team(actor)
    if (plan is None) == (concern is None):
        raise ValidationError("Say what went well about one plan or one concern.")
    if not what_went_well.strip():
        raise ValidationError({"what_went_well": "Enter what went well."})
    note = WentWell.objects.create(
        school_id=school_id,
        plan=plan,
        concern=concern,
        what_went_well=what_went_well.strip(),
        why=why.strip(),
        themes=[Theme(t).value for t in themes],
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    pupil_ids = (
        [plan.pupil_id]
        if plan is not None
        else list(concern.parts.values_list("pupil_id", flat=True))  # type: ignore[union-attr]
    )
    for pupil_id in pupil_ids:
        audit.record(
            actor=actor,
            action=AuditAction.WENT_WELL_RECORDED,
            target=note,
            pupil_id=pupil_id,
            request=request,
        )
    return note
