"""Reading concerns: the DSL's inbox, a member of staff's own list, actions, and search."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from concerns.access import concerns_visible_to, reads_every_concern_at_school
from concerns.models import (
    Action,
    ActionCompletion,
    Alert,
    Category,
    Concern,
    ConcernPupil,
    ConcernVersion,
    Decision,
    Outcome,
)
from schools.models import Membership, School


def categories_for(*, school: School | None) -> QuerySet[Category]:
    if school is None:
        return Category.objects.none()
    return Category.objects.filter(school=school, is_active=True)


def _with_parts(queryset: QuerySet[Concern]) -> QuerySet[Concern]:
    return queryset.prefetch_related(
        Prefetch("parts", queryset=ConcernPupil.objects.select_related("pupil"))
    )


def latest_version(concern: Concern) -> ConcernVersion:
    version = concern.versions.order_by("-number").prefetch_related("categories").first()
    assert version is not None, "every concern has a first version"
    return version


@dataclass(frozen=True, slots=True)
class VersionInForce:
    """A concern's latest version: its words and its categories (code, label) in list order."""

    id: int
    number: int
    facts: str
    child_words: str
    categories: tuple[tuple[str, str], ...]
    # What the child spoke about, as the recorder ticked it (`sources.themes`).
    themes: frozenset[str] = frozenset()

    @property
    def category_codes(self) -> frozenset[str]:
        return frozenset(code for code, _label in self.categories)

    @property
    def category_labels(self) -> tuple[str, ...]:
        return tuple(label for _code, label in self.categories)


def latest_versions(
    concern_ids: Iterable[Any] | QuerySet[Any], *, written_before: datetime | None = None
) -> dict[UUID, VersionInForce]:
    """Each concern's version in force: its latest, or its latest written before
    `written_before` (an amendment written later was not known then). The one place the rule
    "the latest version of a concern" lives for many concerns at once (the chronology, the
    detectors' facts); two queries whatever the number of concerns."""
    rows = ConcernVersion.objects.filter(
        concern_id__in=concern_ids if isinstance(concern_ids, QuerySet) else list(concern_ids)
    )
    if written_before is not None:
        rows = rows.filter(written_at__lt=written_before)
    best: dict[UUID, tuple[int, int, str, str, list[str]]] = {}
    for version_id, concern_id, number, facts, child_words, themes in rows.values_list(
        "id", "concern_id", "number", "facts", "child_words", "themes"
    ):
        if concern_id not in best or number > best[concern_id][1]:
            best[concern_id] = (version_id, number, facts, child_words, themes)
    concern_of = {version[0]: concern_id for concern_id, version in best.items()}
    categories: dict[UUID, list[tuple[str, str]]] = {cid: [] for cid in best}
    through = ConcernVersion.categories.through
    for version_id, code, label in (
        through.objects.filter(concernversion_id__in=list(concern_of))
        .order_by("category__position")
        .values_list("concernversion_id", "category__code", "category__label")
    ):
        categories[concern_of[version_id]].append((code, label))
    return {
        cid: VersionInForce(
            id=vid,
            number=number,
            facts=facts,
            child_words=child_words,
            categories=tuple(categories[cid]),
            themes=frozenset(themes or ()),
        )
        for cid, (vid, number, facts, child_words, themes) in best.items()
    }


def inbox_for(*, viewer: Membership) -> QuerySet[Concern]:
    """Concerns at the viewer's school with no decision yet, urgent first, then newest (for the
    DSL team to decide; the headteacher reads the same list)."""
    if not reads_every_concern_at_school(viewer=viewer):
        return Concern.objects.none()
    undecided = ~Exists(Decision.objects.filter(concern=OuterRef("pk")))
    return _with_parts(
        concerns_visible_to(viewer=viewer)
        .filter(undecided)
        .order_by("-urgent_told_dsl", "-written_at")
    )


def unseen_alerts(*, viewer: Membership) -> dict[UUID, bool]:
    """The viewer's alerts not yet seen: concern id → urgent. Opening the concern marks it seen."""
    return dict(
        Alert.objects.filter(recipient=viewer, seen_at__isnull=True).values_list(
            "concern_id", "urgent"
        )
    )


def concerns_recorded_by(*, viewer: Membership) -> QuerySet[Concern]:
    return _with_parts(Concern.objects.filter(recorded_by=viewer).order_by("-written_at"))


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the member of staff who recorded a concern may know of what became of it: that it
    was received, and who is dealing with it; never the decision itself (need to know)."""

    status: str
    who: str = ""
    when: datetime | None = None

    @property
    def received(self) -> bool:
        return bool(self.who)


SENT = "Sent to the safeguarding team"
RECEIVED = "Received"
BEING_DEALT_WITH = "Being dealt with"


def receipts_for(concerns: Iterable[Concern]) -> dict[UUID, Receipt]:
    """Each concern's receipt: dealt with by whoever made its current decision; else received by
    the first member of the safeguarding team to open it; else sent and not yet opened. Two
    queries whatever the number of concerns."""
    ids = [c.pk for c in concerns]
    receipts = {cid: Receipt(status=SENT) for cid in ids}
    for alert in (
        Alert.objects.filter(concern_id__in=ids, seen_at__isnull=False)
        .select_related("recipient__user")
        .order_by("-seen_at")
    ):
        receipts[alert.concern_id] = Receipt(
            status=RECEIVED, who=alert.recipient.user.full_name, when=alert.seen_at
        )
    for decision in Decision.objects.filter(
        concern_id__in=ids, superseded_by__isnull=True
    ).order_by("decided_at"):
        receipts[decision.concern_id] = Receipt(
            status=BEING_DEALT_WITH, who=decision.decided_by_name, when=decision.decided_at
        )
    return receipts


def current_decisions(*, concern: Concern) -> list[Decision]:
    """Decisions not superseded by a later one, newest first."""
    return list(
        concern.decisions.filter(superseded_by__isnull=True)
        .select_related("decided_by__user")
        .prefetch_related("outcomes__recorded_by__user")
    )


def open_actions_for_school(*, viewer: Membership) -> QuerySet[Action]:
    if not reads_every_concern_at_school(viewer=viewer) or viewer.school is None:
        return Action.objects.none()
    done = Exists(ActionCompletion.objects.filter(action=OuterRef("pk")))
    return (
        Action.objects.filter(concern__school=viewer.school)
        .exclude(done)
        .select_related("assigned_to__user", "concern")
        .order_by("due_on")
    )


def overdue_actions(*, viewer: Membership, today: date | None = None) -> QuerySet[Action]:
    return open_actions_for_school(viewer=viewer).filter(due_on__lt=today or timezone.localdate())


def actions_for(*, viewer: Membership) -> QuerySet[Action]:
    """The viewer's actions, open ones first, each with the children of its concern."""
    done = Exists(ActionCompletion.objects.filter(action=OuterRef("pk")))
    return (
        Action.objects.filter(assigned_to=viewer)
        .annotate(is_done=done)
        .select_related("concern", "completion")
        .prefetch_related(
            Prefetch("concern__parts", queryset=ConcernPupil.objects.select_related("pupil"))
        )
        .order_by("is_done", "due_on")
    )


def open_actions_count(*, viewer: Membership) -> int:
    """How many of the viewer's actions are not yet done (a done action is never counted)."""
    done = Exists(ActionCompletion.objects.filter(action=OuterRef("pk")))
    return Action.objects.filter(assigned_to=viewer).exclude(done).count()


def reviews_due(*, viewer: Membership, today: date | None = None) -> QuerySet[Decision]:
    """Current "monitor" decisions whose review date has come."""
    if not reads_every_concern_at_school(viewer=viewer) or viewer.school is None:
        return Decision.objects.none()
    return Decision.objects.filter(
        concern__school=viewer.school,
        outcome=Outcome.MONITOR,
        superseded_by__isnull=True,
        review_date__lte=today or timezone.localdate(),
    ).select_related("concern")


@dataclass(frozen=True, slots=True)
class ConcernSearch:
    words: str = ""
    category_id: UUID | None = None
    author: str = ""
    child: str = ""
    start: date | None = None
    end: date | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.words or self.category_id or self.author or self.child or self.start or self.end
        )


SEARCH_LIMIT = 100


def concern_search(*, viewer: Membership, search: ConcernSearch) -> QuerySet[Concern]:
    """Concerns matching every criterion given, for the DSL team and the headteacher. Words match
    the facts, the child's words and further information in any version."""
    if not reads_every_concern_at_school(viewer=viewer):
        return Concern.objects.none()
    queryset = concerns_visible_to(viewer=viewer)
    for word in search.words.split()[:8]:
        queryset = queryset.filter(
            Q(versions__facts__icontains=word)
            | Q(versions__child_words__icontains=word)
            | Q(notes__text__icontains=word)
            | Q(location__icontains=word)
        )
    if search.category_id:
        queryset = queryset.filter(versions__categories__id=search.category_id)
    if search.author:
        queryset = queryset.filter(author_name__icontains=search.author)
    for word in search.child.split()[:3]:
        queryset = queryset.filter(
            Q(pupils__legal_forename__icontains=word)
            | Q(pupils__legal_surname__icontains=word)
            | Q(pupils__preferred_forename__icontains=word)
            | Q(pupils__upn__iexact=word)
        )
    if search.start:
        queryset = queryset.filter(occurred_at__date__gte=search.start)
    if search.end:
        queryset = queryset.filter(occurred_at__date__lte=search.end)
    ids = queryset.values("pk").distinct()
    return _with_parts(Concern.objects.filter(pk__in=ids).order_by("-occurred_at"))


def inbox_panels(*, viewer: Membership) -> list[Any]:
    """Sections other apps add to the inbox (settings.CONCERNS_INBOX_PANELS): each a function
    `(*, viewer) -> pupils.selectors.Panel | None` that checks its own access."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    sources = [import_string(p) for p in getattr(settings, "CONCERNS_INBOX_PANELS", [])]
    return [panel for source in sources if (panel := source(viewer=viewer))]
