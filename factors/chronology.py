"""Known factors on the chronology (sources listed in settings.CHRONOLOGY_SOURCES).

Two lines per factor at most: when it became known (dated `known_from`), and, if it was
withdrawn, when and why. Only what `factors_visible_to` lets the viewer read.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from uuid import UUID

from django.urls import reverse
from django.utils import timezone

from factors.access import factors_visible_to
from factors.models import KnownFactor
from schools.models import Membership
from sources.chronology import Entry, Window

KIND = "factor"
KIND_LABEL = "Known factor"
_SUMMARY_CHARS = 400


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SUMMARY_CHARS else text[: _SUMMARY_CHARS - 1] + "…"


def _known_at(day: date) -> datetime:
    """A date without a time, placed at the start of the school day (as attendance does)."""
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def factor_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """ "Factor known: <description> (source)", on the day the factor became known."""
    factors = factors_visible_to(viewer=viewer).filter(pupil_id__in=list(pupil_ids))
    if window.start is not None:
        factors = factors.filter(known_from__gte=window.start)
    if window.end is not None:
        factors = factors.filter(known_from__lte=window.end)
    for factor in factors.select_related("recorded_by__user", "withdrawal"):
        withdrawn = " (later withdrawn)" if factor.is_withdrawn else ""
        yield Entry(
            kind=KIND,
            kind_label=KIND_LABEL,
            source_id=str(factor.pk),
            pupil_id=factor.pupil_id,
            occurred_at=_known_at(factor.known_from),
            recorded_at=factor.recorded_at,
            title=f"Factor known: {factor.description} ({factor.get_source_display()})" + withdrawn,
            summary=_clip(f"CIN assessment factor {factor.code}. {factor.note}".strip()),
            author=factor.recorded_by.user.full_name,
            url=_url(factor),
            categories=(factor.code,),
        )


def withdrawal_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """ "Factor withdrawn: <description>", when it was withdrawn, with the reason."""
    factors = factors_visible_to(viewer=viewer).filter(
        pupil_id__in=list(pupil_ids), withdrawal__isnull=False
    )
    if window.start is not None:
        factors = factors.filter(withdrawal__withdrawn_at__date__gte=window.start)
    if window.end is not None:
        factors = factors.filter(withdrawal__withdrawn_at__date__lte=window.end)
    for factor in factors.select_related("withdrawal__withdrawn_by__user"):
        withdrawal = factor.withdrawal
        yield Entry(
            kind=KIND,
            kind_label=KIND_LABEL,
            source_id=f"{factor.pk}:withdrawn",
            pupil_id=factor.pupil_id,
            occurred_at=withdrawal.withdrawn_at,
            recorded_at=withdrawal.withdrawn_at,
            title=f"Factor withdrawn: {factor.description}",
            summary=_clip(f"Why: {withdrawal.reason}"),
            author=withdrawal.withdrawn_by.user.full_name,
            url=_url(factor),
            categories=(factor.code,),
        )


def _url(factor: KnownFactor) -> str:
    return reverse("factors:pupil", args=[factor.pupil_id])
