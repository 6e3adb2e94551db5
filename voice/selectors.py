"""Reads: the check-ins due for each child, when each child was last heard, and entries."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from pupils.models import Pupil
from schools.models import Membership, School
from voice.access import current_schedules
from voice.models import (
    CheckInSchedule,
    SupportLevel,
    SupportStatus,
    VoiceEntry,
    VoiceEntryVersion,
    VoiceSettings,
)


class DueState:
    """Where a child's next check-in stands. Plain constants: derived, never stored."""

    OVERDUE = "overdue"
    DUE = "due"
    UPCOMING = "upcoming"


def voice_settings_for(*, school: School) -> VoiceSettings:
    """The school's cadences, or the defaults if the school has not changed them (unsaved)."""
    found = VoiceSettings.objects.filter(school=school).first()
    return found if found is not None else VoiceSettings(school=school)


def current_status(
    *, pupil: Pupil, school: School, as_of: date | None = None
) -> SupportStatus | None:
    """The status row in force for the child at the school on `as_of` (today by default)."""
    as_of = as_of or timezone.localdate()
    return (
        SupportStatus.objects.filter(pupil=pupil, school=school, starts_on__lte=as_of)
        .order_by("-starts_on", "-recorded_at")
        .first()
    )


def status_history(*, pupil: Pupil, school: School) -> QuerySet[SupportStatus]:
    return SupportStatus.objects.filter(pupil=pupil, school=school).select_related(
        "recorded_by__user"
    )


def schedule_history(*, pupil: Pupil, school: School) -> QuerySet[CheckInSchedule]:
    return CheckInSchedule.objects.filter(pupil=pupil, school=school).select_related(
        "trusted_adult__user", "set_by__user"
    )


def _level_of(status: SupportStatus | None, as_of: date) -> SupportLevel:
    if status is None or (status.ends_on is not None and status.ends_on < as_of):
        return SupportLevel.NONE
    return SupportLevel(status.level)


def _with_current_version(
    entries: QuerySet[VoiceEntry], *, written_before: datetime | None = None
) -> QuerySet[VoiceEntry]:
    """Each entry with its current version's moment and words, and how many versions it has;
    with `written_before`, as they stood then (entries written later are left out)."""
    versions = VoiceEntryVersion.objects.filter(entry=OuterRef("pk"))
    if written_before is not None:
        versions = versions.filter(written_at__lt=written_before)
        entries = entries.filter(created_at__lt=written_before)
    newest = versions.order_by("-number")
    return entries.annotate(
        occurred_at=Subquery(newest.values("occurred_at")[:1]),
        words=Subquery(newest.values("words")[:1]),
        version_count=Subquery(newest.values("number")[:1]),
    )


@dataclass(frozen=True, slots=True)
class LastHeard:
    """When the child was last heard (any adult's entry at the school) and by whom."""

    at: datetime
    by: str
    entry_id: UUID


def _last_heard_by_pupil(
    *, school_id: UUID | None, pupil_ids: list[UUID] | None, as_of: datetime | None = None
) -> dict[UUID, LastHeard]:
    entries = VoiceEntry.objects.all()
    if school_id is not None:
        entries = entries.filter(school_id=school_id)
    if pupil_ids is not None:
        entries = entries.filter(pupil_id__in=pupil_ids)
    result: dict[UUID, LastHeard] = {}
    rows = (
        _with_current_version(entries)
        .order_by(F("occurred_at").asc())
        .values_list("pk", "pupil_id", F("occurred_at"), "recorded_by__user__full_name")
    )
    for entry_id, pupil_id, occurred, by in rows:
        if as_of is not None and occurred > as_of:
            continue
        result[pupil_id] = LastHeard(at=occurred, by=by, entry_id=entry_id)
    return result


def last_heard_from(pupil: Pupil, *, school: School | None = None) -> LastHeard | None:
    """When `pupil` was last heard (at `school`, or anywhere if None). For the front sheet."""
    return _last_heard_by_pupil(
        school_id=school.pk if school is not None else None, pupil_ids=[pupil.pk]
    ).get(pupil.pk)


@dataclass(frozen=True, slots=True)
class CheckIn:
    """One child's check-in position: status, cadence, who, last heard, next due."""

    pupil: Pupil
    level: SupportLevel
    status_since: date | None
    trusted_adult: Membership | None
    cadence_days: int | None
    cadence_set_by_hand: bool
    last_heard: LastHeard | None
    due_on: date | None
    state: str | None  # a DueState, or None when the child has no cadence
    days_overdue: int

    @property
    def scheduled(self) -> bool:
        return self.cadence_days is not None

    @property
    def level_label(self) -> str:
        return str(self.level.label)


def _cadence(
    *,
    schedule: CheckInSchedule | None,
    status: SupportStatus | None,
    level: SupportLevel,
    settings: VoiceSettings,
) -> tuple[int | None, bool]:
    """The days between check-ins, and whether the safeguarding team set them by hand.

    A cadence set by hand lasts until the child's status next changes; after that the new
    status's default applies, so a child whose status changes gets the new cadence.
    """
    if schedule is not None and schedule.cadence_days is not None:
        set_after_status = status is None or (
            schedule.set_at >= status.recorded_at
            and timezone.localdate(schedule.set_at) >= status.starts_on
        )
        if set_after_status:
            return schedule.cadence_days, True
    return settings.cadence_for(level), False


def _check_in(
    *,
    pupil: Pupil,
    status: SupportStatus | None,
    schedule: CheckInSchedule | None,
    last_heard: LastHeard | None,
    settings: VoiceSettings,
    today: date,
) -> CheckIn:
    level = _level_of(status, today)
    cadence, by_hand = _cadence(schedule=schedule, status=status, level=level, settings=settings)
    due_on: date | None = None
    state: str | None = None
    days_overdue = 0
    if cadence is not None:
        anchor = timezone.localdate(last_heard.at) if last_heard is not None else None
        if anchor is None:
            # Never heard: the clock starts when the status began (a child on a plan for
            # three weeks has gone three weeks unheard, whenever the adult was named), or,
            # with no status, when the schedule was set.
            if status is not None and level != SupportLevel.NONE:
                anchor = status.starts_on
            elif schedule is not None:
                anchor = timezone.localdate(schedule.set_at)
            else:
                anchor = today
        due_on = anchor + timedelta(days=cadence)
        if today > due_on:
            state, days_overdue = DueState.OVERDUE, (today - due_on).days
        elif today >= due_on - timedelta(days=settings.due_soon_days):
            state = DueState.DUE
        else:
            state = DueState.UPCOMING
    return CheckIn(
        pupil=pupil,
        level=level,
        status_since=status.starts_on
        if status is not None and level != SupportLevel.NONE
        else None,
        trusted_adult=schedule.trusted_adult if schedule is not None else None,
        cadence_days=cadence,
        cadence_set_by_hand=by_hand,
        last_heard=last_heard,
        due_on=due_on,
        state=state,
        days_overdue=days_overdue,
    )


def _newest_by_pupil[T: (SupportStatus, CheckInSchedule)](rows: QuerySet[T]) -> dict[UUID, T]:
    found: dict[UUID, T] = {}
    for row in rows:
        found.setdefault(row.pupil_id, row)
    return found


def check_ins_for_school(
    *, school: School, pupil_ids: list[UUID] | None = None, as_of: date | None = None
) -> list[CheckIn]:
    """Every child on the roll at `school` with a status or a check-in schedule, soonest due
    first (overdue at the top); children with no cadence at the end."""
    today = as_of or timezone.localdate()
    settings = voice_settings_for(school=school)
    on_roll = Pupil.objects.filter(
        Q(enrolments__end_date__isnull=True) | Q(enrolments__end_date__gte=today),
        enrolments__school=school,
        enrolments__start_date__lte=today,
    )
    statuses = SupportStatus.objects.filter(school=school, starts_on__lte=today).order_by(
        "-starts_on", "-recorded_at"
    )
    schedules = CheckInSchedule.objects.filter(school=school).select_related("trusted_adult__user")
    if pupil_ids is not None:
        statuses = statuses.filter(pupil_id__in=pupil_ids)
        schedules = schedules.filter(pupil_id__in=pupil_ids)
    status_by_pupil = _newest_by_pupil(statuses)
    schedule_by_pupil = _newest_by_pupil(schedules.order_by("-set_at"))
    wanted = set(status_by_pupil) | set(schedule_by_pupil)
    pupils = on_roll.filter(pk__in=wanted).distinct()
    heard = _last_heard_by_pupil(school_id=school.pk, pupil_ids=list(wanted))
    check_ins = [
        _check_in(
            pupil=pupil,
            status=status_by_pupil.get(pupil.pk),
            schedule=schedule_by_pupil.get(pupil.pk),
            last_heard=heard.get(pupil.pk),
            settings=settings,
            today=today,
        )
        for pupil in pupils
    ]
    check_ins = [c for c in check_ins if c.scheduled or c.trusted_adult is not None]
    return sorted(
        check_ins,
        key=lambda c: (c.due_on is None, c.due_on or today, c.pupil.display_name),
    )


def check_in_for_pupil(*, pupil: Pupil, school: School, as_of: date | None = None) -> CheckIn:
    """One child's check-in position (scheduled or not)."""
    today = as_of or timezone.localdate()
    status = current_status(pupil=pupil, school=school, as_of=today)
    schedule = (
        CheckInSchedule.objects.filter(pupil=pupil, school=school)
        .select_related("trusted_adult__user")
        .order_by("-set_at")
        .first()
    )
    return _check_in(
        pupil=pupil,
        status=status,
        schedule=schedule,
        last_heard=last_heard_from(pupil, school=school),
        settings=voice_settings_for(school=school),
        today=today,
    )


def check_ins_for_adult(*, viewer: Membership, as_of: date | None = None) -> list[CheckIn]:
    """The children whose trusted adult is `viewer`, soonest due first."""
    if viewer.school is None:
        return []
    pupil_ids = list(
        current_schedules()
        .filter(trusted_adult=viewer, school=viewer.school)
        .values_list("pupil_id", flat=True)
    )
    if not pupil_ids:
        return []
    return check_ins_for_school(school=viewer.school, pupil_ids=pupil_ids, as_of=as_of)


def not_heard_from(*, school: School, as_of: date | None = None) -> list[CheckIn]:
    """Children not heard from in longer than their cadence (overdue), longest first."""
    overdue = [
        c for c in check_ins_for_school(school=school, as_of=as_of) if c.state == DueState.OVERDUE
    ]
    return sorted(overdue, key=lambda c: -c.days_overdue)


def entries_for_pupil(*, visible: QuerySet[VoiceEntry], pupil: Pupil) -> QuerySet[VoiceEntry]:
    """The visible entries about `pupil`, newest event first, with their current words."""
    return (
        _with_current_version(visible.filter(pupil=pupil))
        .select_related("recorded_by__user")
        .order_by(F("occurred_at").desc())
    )


def entries_with_current_version(
    entries: QuerySet[VoiceEntry], *, written_before: datetime | None = None
) -> QuerySet[VoiceEntry]:
    return _with_current_version(entries, written_before=written_before)


def versions_of(entry: VoiceEntry) -> list[VoiceEntryVersion]:
    """Every version of an entry, newest first."""
    return list(
        entry.versions.select_related("written_by__user")
        .prefetch_related("attachments")
        .order_by("-number")
    )


def trusted_adult_choices(*, school: School) -> QuerySet[Membership]:
    """Staff at the school who can be a child's trusted adult."""
    from voice.access import VOICE_RECORDERS

    return (
        Membership.objects.filter(school=school, is_active=True, role__in=VOICE_RECORDERS)
        .select_related("user")
        .order_by("user__full_name")
    )
