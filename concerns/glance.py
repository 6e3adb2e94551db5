"""The concerns app's lines of the front sheet's "At a glance" (settings.PUPIL_FRONT_SHEET_GLANCE):
the child's concerns still open, the actions not done, and the latest decision.

"Open": a concern with no decision yet, or whose current decision is to monitor. Each line lists
what the viewer may open; staff and governors (who do not read the front sheet) get nothing.
"""

from uuid import UUID

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from concerns.access import concerns_visible_to, sees_decisions
from concerns.models import Action, ActionCompletion, ConcernPupil, Decision, Outcome
from concerns.selectors import latest_versions
from pupils.models import Pupil
from pupils.selectors import GlanceItem, GlanceRow, ListFlag
from schools.models import Membership

_SHOWN = 5  # items listed under a line; the count says how many there are


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def front_sheet_glance(*, viewer: Membership, pupil: Pupil) -> list[GlanceRow]:
    if not sees_decisions(viewer=viewer):
        return []
    about = concerns_visible_to(viewer=viewer).filter(parts__pupil=pupil).distinct()
    current = Decision.objects.filter(concern=OuterRef("pk"), superseded_by__isnull=True)
    # Plain rows, not model instances: a child with hundreds of concerns is counted, and only
    # the first few are named.
    open_concerns = list(
        about.filter(~Exists(current) | Exists(current.filter(outcome=Outcome.MONITOR)))
        .annotate(decided=Exists(current))
        .order_by("-occurred_at")
        .values("pk", "occurred_at", "decided")
    )
    versions = latest_versions([c["pk"] for c in open_concerns[:_SHOWN]])
    items = []
    for concern in open_concerns[:_SHOWN]:
        labels = versions[concern["pk"]].category_labels if concern["pk"] in versions else ()
        text = f"{concern['occurred_at']:%-d %b %Y}: {', '.join(labels) or 'no category'}"
        items.append(
            GlanceItem(
                text=text,
                href=reverse("concerns:detail", args=[concern["pk"]]),
                tag="Being monitored" if concern["decided"] else "Awaiting a decision",
                tag_colour="blue" if concern["decided"] else "orange",
            )
        )
    waiting = sum(1 for c in open_concerns if not c["decided"])
    value = _plural(len(open_concerns), "open concern", "open concerns") if open_concerns else ""
    if waiting:
        value += f" ({waiting} awaiting a decision)"
    elif open_concerns:
        value += " (being monitored)"
    value = value or "None open"
    rows = [GlanceRow("Open concerns", value, tuple(items), order=20, row_id="glance-concerns")]

    today = timezone.localdate()
    done = Exists(ActionCompletion.objects.filter(action=OuterRef("pk")))
    actions = list(
        Action.objects.filter(concern__in=about.values("pk"))
        .exclude(done)
        .order_by("due_on")
        .values("concern_id", "description", "due_on", "assigned_to__user__full_name")
    )
    overdue = sum(1 for a in actions if a["due_on"] < today)
    action_items = tuple(
        GlanceItem(
            text=f"{a['description'][:80]}{'…' if len(a['description']) > 80 else ''} "
            f"({a['assigned_to__user__full_name']}, due {a['due_on']:%-d %b %Y})",
            href=reverse("concerns:detail", args=[a["concern_id"]]),
            tag="Overdue" if a["due_on"] < today else "",
            tag_colour="red",
        )
        for a in actions[:_SHOWN]
    )
    action_value = _plural(len(actions), "open action", "open actions") if actions else "None open"
    if overdue:
        action_value += f" ({overdue} overdue)"
    rows.append(GlanceRow("Open actions", action_value, action_items, 30, "glance-actions"))

    latest = (
        Decision.objects.filter(concern__in=about.values("pk"), superseded_by__isnull=True)
        .order_by("-decided_at")
        .first()
    )
    if latest is None:
        rows.append(GlanceRow("Latest decision", "No decision yet", order=40))
    else:
        decided = timezone.localtime(latest.decided_at)
        text = f"{latest.get_outcome_display()}, {decided:%-d %b %Y} by {latest.decided_by_name}"
        if latest.outcome == Outcome.MONITOR and latest.review_date:
            text += f"; review by {latest.review_date:%-d %b %Y}"
        item = GlanceItem(
            text=f"{latest.rationale[:120]}{'…' if len(latest.rationale) > 120 else ''}",
            href=reverse("concerns:detail", args=[latest.concern_id]),
        )
        rows.append(GlanceRow("Latest decision", text, (item,), 40, "glance-decision"))
    return rows


def list_flags(*, viewer: Membership, pupil_ids: list[UUID]) -> dict[UUID, list[ListFlag]]:
    """Open concerns beside each child in the pupil list, in one query."""
    if not sees_decisions(viewer=viewer):
        return {}
    current = Decision.objects.filter(concern=OuterRef("concern"), superseded_by__isnull=True)
    rows = (
        ConcernPupil.objects.filter(
            pupil_id__in=pupil_ids, concern__in=concerns_visible_to(viewer=viewer)
        )
        .filter(~Exists(current) | Exists(current.filter(outcome=Outcome.MONITOR)))
        .values("pupil_id")
        .annotate(n=Count("concern_id", distinct=True))
    )
    return {
        row["pupil_id"]: [ListFlag(_plural(row["n"], "open concern", "open concerns"), "orange")]
        for row in rows
    }
