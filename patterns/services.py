"""Writing findings and decisions. Every write is a named function that audits itself."""

import logging
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record
from patterns.engine import FactSource, RunResult, run_incremental
from patterns.models import (
    DetectorSettings,
    Finding,
    FindingDecision,
    FindingOutcome,
    FindingSubject,
)
from patterns.registry import Raised, SettingsError, SubjectKind, get_detector
from pupils.models import Pupil
from schools.models import Membership, School

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshSummary:
    raised: int = 0  # new findings
    raised_again: int = 0  # new evidence after a decision: a new finding showing what is new
    updated: int = 0  # an undecided finding whose evidence changed
    unchanged: int = 0  # seen again with the same inputs
    stale: int = 0  # no longer raised

    def line(self) -> str:
        return (
            f"{self.raised} raised, {self.raised_again} raised again, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.stale} gone stale"
        )


def _refs(evidence: Iterable[Mapping[str, str]]) -> set[tuple[str, str, str]]:
    return {(e["kind"], e["id"], e["date"]) for e in evidence}


def _as_dicts(raised: Raised) -> list[dict[str, str]]:
    return [ref.as_dict() for ref in sorted(set(raised.evidence))]


def _uuid(value: str, what: str) -> UUID:
    try:
        return UUID(value)
    except ValueError as error:
        raise ValueError(f"{what} {value!r} is not a database id") from error


Key = tuple[UUID, str, str, str]  # school, subject kind, subject id, detector


def _key(finding: Finding) -> Key:
    subject = str(finding.pupil_id) if finding.pupil_id else finding.household_id
    return (finding.school_id, finding.subject_kind, subject, finding.detector)


def findings_refresh_for_children(
    *,
    actor: Membership | None,
    source: FactSource,
    pupil_ids: Collection[str],
    as_of: date | None = None,
    on_stored: Callable[[], None] | None = None,
) -> RefreshSummary:
    """The incremental run: after a record about these children is written or amended, run the
    detectors for them and their households and refresh their findings (the background task
    does, through `findings_refresh_changed`, with the database fact source). Everything is
    read and the detectors run before the findings' write transaction begins."""
    from patterns.selectors import school_configs

    result = run_incremental(
        source, pupil_ids=pupil_ids, as_of=as_of or timezone.localdate(), configs=school_configs
    )
    return findings_refresh(actor=actor, result=result, on_stored=on_stored)


def _wanted(result: RunResult) -> dict[Key, Raised]:
    """What the run raised, one entry per school prompted; ids checked against the database."""
    wanted: dict[Key, Raised] = {}
    for raised in result.raised:
        subject = raised.subject_id
        if raised.subject_kind is SubjectKind.PUPIL:
            subject = str(_uuid(subject, "child"))
        for school_id in raised.school_ids:
            key = (_uuid(school_id, "school"), raised.subject_kind.value, subject, raised.detector)
            wanted[key] = raised
    schools = {key[0] for key in wanted}
    known_schools = set(School.objects.filter(pk__in=schools).values_list("pk", flat=True))
    if missing_schools := sorted(str(s) for s in schools - known_schools):
        raise ValueError(f"no school with id {missing_schools[0]} in the database")
    return wanted


def _checked_pupils(result: RunResult) -> set[UUID]:
    pupil_ids = {_uuid(pid, "child") for pid in result.pupil_ids}
    known = set(Pupil.objects.filter(pk__in=pupil_ids).values_list("pk", flat=True))
    if missing := sorted(str(p) for p in pupil_ids - known):
        raise ValueError(f"no child with id {missing[0]} in the database")
    return pupil_ids


def _apply(
    key: Key,
    raised: Raised,
    finding: Finding | None,
    result: RunResult,
    now: datetime,
    *,
    unchanged: list[Finding],
) -> str:
    """Bring one finding in line with what the run raised; returns which count it adds to.
    A finding seen again unchanged is added to `unchanged`, to be marked seen in one UPDATE."""
    if finding is None:
        _create(key, raised, result, now)
        return "raised"
    if finding.inputs_hash == raised.inputs_hash:
        unchanged.append(finding)
        return "unchanged"
    new_refs = _refs(_as_dicts(raised)) - _refs(finding.evidence)
    if finding.latest_decision is None:
        finding.detector_version = raised.version
        finding.severity = raised.severity.value
        finding.detail = raised.detail
        finding.evidence = _as_dicts(raised)
        finding.inputs_hash = raised.inputs_hash
        finding.as_of = result.as_of
        _seen(finding, now)
        return "updated"
    if not new_refs:
        unchanged.append(finding)
        return "unchanged"
    finding.is_current = False
    finding.save(update_fields=["is_current"])
    new_evidence = [e for e in _as_dicts(raised) if (e["kind"], e["id"], e["date"]) in new_refs]
    _create(key, raised, result, now, supersedes=finding, new_evidence=new_evidence)
    return "raised_again"


def findings_refresh(
    *,
    actor: Membership | None,
    result: RunResult,
    now: datetime | None = None,
    on_stored: Callable[[], None] | None = None,
) -> RefreshSummary:
    """Raise, refresh and mark stale the findings of one engine run; running it twice with the
    same facts changes nothing the second time.

    - Same inputs hash as the current finding: seen again (`last_seen_at`), no new finding.
    - Different evidence, no decision yet: the finding is brought up to date.
    - New evidence after a decision (for instance "not a concern now"): a new finding that
      supersedes the decided one and lists what is new (`new_evidence`).
    - A current finding, about a child or household this run looked at, that the run did not
      raise: marked stale.

    The run's schools and children are checked before the write transaction begins, so it holds
    the database's write lock (SQLite) and the audit chain's lock only for the current findings'
    rows, the writes and the audit event. `on_stored` runs last inside that transaction (the
    background task marks the refreshes it took along as done in it).

    `actor` is None when the system runs it (a command or a scheduled job).
    """
    now = now or timezone.now()
    wanted = _wanted(result)
    pupil_ids = _checked_pupils(result)
    with transaction.atomic():
        counts = _store(result, wanted, pupil_ids, now)
        record(
            actor=actor,
            action=AuditAction.FINDINGS_REFRESHED,
            details={
                "as_of": result.as_of.isoformat(),
                "children": len(result.pupil_ids),
                "households": len(result.household_ids),
                **counts,
            },
            at=now,
        )
        if on_stored is not None:
            on_stored()
    return RefreshSummary(**counts)


def _store(
    result: RunResult, wanted: dict[Key, Raised], pupil_ids: set[UUID], now: datetime
) -> dict[str, int]:
    """The findings' writes for one run, inside the refresh's transaction; the counts."""
    detectors = [slug for slug, _ in result.detectors]
    in_scope = Finding.objects.select_for_update().filter(
        Q(pupil_id__in=pupil_ids) | Q(household_id__in=result.household_ids),
        is_current=True,
        detector__in=detectors,
    )
    if result.school_ids is not None:
        # A run limited to some schools says nothing about findings at the others.
        in_scope = in_scope.filter(school_id__in=[_uuid(s, "school") for s in result.school_ids])
    current = {_key(f): f for f in in_scope}
    counts = dict.fromkeys(("raised", "raised_again", "updated", "unchanged", "stale"), 0)
    unchanged: list[Finding] = []
    for key, raised in wanted.items():
        counts[_apply(key, raised, current.get(key), result, now, unchanged=unchanged)] += 1
    # Seen again with nothing new: one UPDATE for them all (the refresh holds the database's
    # write lock on SQLite, and a row lock each on PostgreSQL, for as short a time as it can).
    Finding.objects.filter(pk__in=[f.pk for f in unchanged]).update(
        last_seen_at=now, stale=False, stale_since=None
    )
    for key, finding in current.items():
        if key not in wanted and not finding.stale:
            finding.stale = True
            finding.stale_since = now
            finding.save(update_fields=["stale", "stale_since"])
            counts["stale"] += 1
    return counts


def _seen(finding: Finding, now: datetime) -> None:
    finding.last_seen_at = now
    finding.stale = False
    finding.stale_since = None
    finding.save()


def _create(
    key: Key,
    raised: Raised,
    result: RunResult,
    now: datetime,
    *,
    supersedes: Finding | None = None,
    new_evidence: list[dict[str, str]] | None = None,
) -> Finding:
    school_id, kind, subject, _ = key
    is_pupil = kind == FindingSubject.PUPIL
    return Finding.objects.create(
        school_id=school_id,
        subject_kind=kind,
        pupil_id=UUID(subject) if is_pupil else None,
        household_id="" if is_pupil else subject,
        detector=raised.detector,
        detector_version=raised.version,
        severity=raised.severity.value,
        detail=raised.detail,
        evidence=_as_dicts(raised),
        new_evidence=new_evidence or [],
        inputs_hash=raised.inputs_hash,
        as_of=result.as_of,
        first_raised_at=now,
        last_seen_at=now,
        supersedes=supersedes,
    )


@transaction.atomic
def finding_decide(
    *,
    actor: Membership,
    finding: Finding,
    outcome: FindingOutcome,
    action_taken: str = "",
    case_reference: str = "",
    rationale: str = "",
    request: HttpRequest | None = None,
) -> FindingDecision:
    """Record the DSL's decision on a finding, audited. "Acted on" says what was done, "linked to
    a case" names the case, and "not a concern now" gives the rationale (records-and-access.md §2:
    decisions and the reasons for them; neglect-indicators.md §5 rule 6)."""
    required = {
        FindingOutcome.ACTED_ON: ("action_taken", action_taken, "Say what was done"),
        FindingOutcome.LINKED_TO_CASE: ("case_reference", case_reference, "Name the case"),
        FindingOutcome.NOT_A_CONCERN_NOW: ("rationale", rationale, "Give the reason"),
    }
    field, value, message = required[outcome]
    if not value.strip():
        raise ValidationError({field: message})
    if actor.school_id != finding.school_id or not actor.is_dsl_team:
        raise ValidationError("Only the school's DSL team decides on its findings.")
    decision = FindingDecision.objects.create(
        finding=finding,
        outcome=outcome,
        action_taken=action_taken.strip(),
        case_reference=case_reference.strip(),
        rationale=rationale.strip(),
        decided_by=actor,
        decided_at=timezone.now(),
    )
    record(
        actor=actor,
        action=AuditAction.FINDING_DECIDED,
        target=decision,
        pupil_id=finding.pupil_id,
        request=request,
        reason=value.strip(),
        details={
            "finding": str(finding.pk),
            "detector": finding.detector,
            "detector_version": finding.detector_version,
            "outcome": str(outcome),
        },
    )
    return decision


@transaction.atomic
def detector_settings_set(
    *,
    actor: Membership,
    school: School,
    detector: str,
    enabled: bool,
    values: Mapping[str, Any],
) -> DetectorSettings:
    """Turn a detector on or off at a school and change its thresholds, audited with the old and
    new values. Unknown detectors or settings, and values of the wrong kind, are refused."""
    entry = get_detector(detector)
    try:
        configured = entry.configure(values)
    except SettingsError as error:
        raise ValidationError(str(error)) from error
    stored = {
        key: sorted(v) if isinstance(v, frozenset) else v
        for key, v in values.items()
        if getattr(configured, key) != getattr(entry.defaults(), key)
    }
    existing = (
        DetectorSettings.objects.select_for_update()
        .filter(school=school, detector=detector)
        .first()
    )
    before = {"enabled": existing.enabled, "values": existing.values} if existing else None
    row, _ = DetectorSettings.objects.update_or_create(
        school=school,
        detector=detector,
        defaults={
            "enabled": enabled,
            "values": stored,
            "changed_at": timezone.now(),
            "changed_by": actor,
        },
    )
    record(
        actor=actor,
        action=AuditAction.DETECTOR_SETTINGS_CHANGED,
        target=row,
        details={
            "detector": detector,
            "before": before,
            "after": {"enabled": enabled, "values": stored},
        },
    )
    return row


def findings_refresh_changed(
    *, pupil_ids: Collection[str], on_stored: Callable[[], None] | None = None
) -> RefreshSummary:
    """The incremental run for children whose records changed, over the database as of today:
    what the background task `patterns.tasks.findings_refresh_queued` does (`on_stored`: see
    `findings_refresh`). An error is logged and raised, so the task is marked failed with its
    traceback; the record itself was saved in its own transaction, and the nightly run catches
    up."""
    from patterns.db_loader import database_source

    today = timezone.localdate()
    try:
        return findings_refresh_for_children(
            actor=None,
            source=database_source(as_of=today),
            pupil_ids=pupil_ids,
            as_of=today,
            on_stored=on_stored,
        )
    except Exception:
        logger.exception("patterns: the incremental run failed; the record was saved")
        raise


def findings_refresh_enqueue(*, pupil_ids: Collection[str], **_signal: Any) -> None:
    """Queue a findings refresh for these children: the receiver of
    `background.signals.records_changed`, connected in `PatternsConfig.ready`. It runs inside the
    transaction that wrote the record, so the queued task commits or rolls back with it. Off
    when `settings.CAIRN_PATTERNS_INCREMENTAL` is False (bulk loads; the nightly run catches
    up); a save touching more than `CAIRN_PATTERNS_INCREMENTAL_MAX_CHILDREN` children is left
    to the nightly run too."""
    from patterns.tasks import findings_refresh_queued

    if not settings.CAIRN_PATTERNS_INCREMENTAL or not pupil_ids:
        return
    limit: int = settings.CAIRN_PATTERNS_INCREMENTAL_MAX_CHILDREN
    if len(pupil_ids) > limit:
        logger.info(
            "patterns: %s children touched (more than %s); left to the nightly run",
            len(pupil_ids),
            limit,
        )
        return
    findings_refresh_queued.enqueue(pupil_ids=sorted(pupil_ids))
