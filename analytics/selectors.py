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
from analytics.tables.staff import training_compliance, went_well
from learning.selectors import went_well_by_theme
from schools.models import Membership, Role, School
from staffing.selectors import compliance_for

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
    tables.update(staff_tables(schools=schools, period=period, policy=policy, today=today))
    return Dashboard(period, figures, policy, schools, tables, dashboard_charts(tables))


def staff_tables(
    *, schools: list[School], period: Period, policy: Policy, today: date | None = None
) -> dict[str, Table]:
    """Training compliance (as of the period's end, or today if sooner) and what went well in
    the period, by theme: counts only (issue 20)."""
    ids = [s.pk for s in schools]
    as_of = min(period.end, today or timezone.localdate())
    tables = [
        training_compliance(compliance_for(school_ids=ids, as_of=as_of), policy, as_of),
        went_well(went_well_by_theme(school_ids=ids, start=period.start, end=period.end), policy),
    ]
    return {t.slug: t for t in tables}


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
