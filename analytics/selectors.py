"""Reads for the dashboards: which schools a viewer's dashboard covers, and its tables."""

from dataclasses import dataclass, replace
from datetime import date, timedelta
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
    if policy.suppress and viewer.role != Role.TRUST_LEAD and len(schools) == 1:
        tables = what_can_be_shown(tables, school=schools[0], period=period, today=today)
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


# How far back the longer period reaches when a term's counts are too small to show.
LONGER_PERIOD_DAYS = 365


def what_can_be_shown(
    tables: dict[str, Table], *, school: School, period: Period, today: date | None = None
) -> dict[str, Table]:
    """A small school's suppressed tables, replaced by what can be shown (issue 22, item 13).

    At a one-form-entry primary most of a term's counts are small, so a table whose counts are
    mostly withheld is replaced by the same table over the 12 months to the period's end; if
    that is still mostly withheld, by the trust's schools together over the period; and if that
    is too, by one sentence saying so, rather than rows of "not shown". Small-number suppression
    applies to whatever is shown: each replacement is built with the same policy."""
    small = [slug for slug, table in tables.items() if table.mostly_withheld]
    if not small:
        return tables
    longer_start = period.end - timedelta(days=LONGER_PERIOD_DAYS - 1)
    policy = Policy.for_viewer(suppress=True)
    alternatives: list[tuple[dict[str, Table], str, str]] = []
    if longer_start < period.start:
        longer = Period(longer_start, period.end, f"the 12 months to {period.end:%-d %B %Y}")
        figures = compute(school_ids=[school.pk], period=longer, today=today)
        alternatives.append(
            (
                school_tables(figures, combine(figures), policy),
                f"{{title}}: {school.name}, {longer.label}",
                f"This school's counts for the period chosen are too small to show, so this "
                f"table covers {longer.label}.",
            )
        )
    trust_ids = (
        list(School.objects.filter(trust_id=school.trust_id).values_list("pk", flat=True))
        if school.trust_id is not None
        else []
    )
    if len(trust_ids) > 1:
        figures = compute(school_ids=trust_ids, period=period, today=today)
        alternatives.append(
            (
                school_tables(figures, combine(figures), policy),
                f"{{title}}: the trust's {len(trust_ids)} schools together",
                "This school's counts are too small to show, so this table counts the trust's "
                f"{len(trust_ids)} schools together over the same period.",
            )
        )
    shown = dict(tables)
    for slug in small:
        for others, title, note in alternatives:
            other = others.get(slug)
            if other is not None and not other.mostly_withheld:
                shown[slug] = replace(
                    other, title=title.format(title=other.title), notes=[note, *other.notes]
                )
                break
        else:
            places = ["over this period"]
            if longer_start < period.start:
                places.append("over the last 12 months")
            if len(trust_ids) > 1:
                places.append("across the trust")
            where = places[0] if len(places) == 1 else f"{', '.join(places[:-1])} or {places[-1]}"
            shown[slug] = replace(
                tables[slug],
                rows=[],
                withheld=(
                    "Too few at this school to show without risk of identifying a child "
                    f"(counts below {policy.below} are not shown) {where}."
                ),
            )
    return shown


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
