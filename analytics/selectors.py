"""Reads for the dashboards: which schools a viewer's dashboard covers, and its tables."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.utils import timezone

from analytics.charts import Chart, dashboard_charts
from analytics.engine import Figures, compute
from analytics.models import GovernorActions
from analytics.periods import Period
from analytics.tables import Policy, Table, combine, comparison, school_tables
from schools.models import Membership, Role, School

# Roles that see their own school's dashboard with every count shown (they may read the
# children's records anyway); governors see the same dashboard with small numbers suppressed.
SCHOOL_TEAM = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})
SCHOOL_DASHBOARD_ROLES = SCHOOL_TEAM | {Role.GOVERNOR}


def dashboard_schools(*, viewer: Membership) -> list[School]:
    """The schools the viewer's dashboard covers: their own; a trust lead's whole trust."""
    if viewer.role == Role.TRUST_LEAD:
        if viewer.trust_id is None:
            return []
        return list(School.objects.filter(trust_id=viewer.trust_id).order_by("name"))
    if viewer.school_id is None:
        return []
    return list(School.objects.filter(pk=viewer.school_id))


def policy_for(*, viewer: Membership) -> Policy:
    """Small numbers are suppressed in governor and trust aggregates (issue 9)."""
    return Policy.for_viewer(suppress=viewer.role not in SCHOOL_TEAM)


@dataclass
class Dashboard:
    period: Period
    figures: Figures
    policy: Policy
    schools: list[School]
    tables: dict[str, Table]
    charts: dict[str, Chart]

    @property
    def ordered(self) -> list[tuple[Table, Chart | None]]:
        return [(t, self.charts.get(slug)) for slug, t in self.tables.items()]


def dashboard_for(
    *,
    viewer: Membership,
    period: Period,
    today: date | None = None,
    for_governors: bool = False,
) -> Dashboard:
    """The viewer's dashboard; `for_governors` applies the governors' suppression whoever asks
    (the governors' report)."""
    schools = dashboard_schools(viewer=viewer)
    policy = Policy.for_viewer(suppress=True) if for_governors else policy_for(viewer=viewer)
    figures = compute(school_ids=[s.pk for s in schools], period=period, today=today)
    tables = school_tables(figures, combine(figures), policy)
    if viewer.role == Role.TRUST_LEAD:
        names: dict[object, str] = {s.pk: s.name for s in schools}
        side = comparison(figures, names, policy)
        tables = {side.slug: side, **tables}
    return Dashboard(period, figures, policy, schools, tables, dashboard_charts(tables))


def current_governor_actions(*, school_id: UUID, period: Period) -> GovernorActions | None:
    return (
        GovernorActions.objects.filter(
            school_id=school_id, period_start=period.start, period_end=period.end
        )
        .select_related("written_by__user")
        .order_by("-written_at")
        .first()
    )


def today() -> date:
    return timezone.localdate()
