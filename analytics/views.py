"""Dashboards, exports and the governors' report. Aggregates only: no page here names a child."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from analytics.forms import GovernorActionsForm
from analytics.periods import Period, PeriodForm, recent_terms
from analytics.report import governors_pdf, table_csv
from analytics.selectors import (
    SCHOOL_DASHBOARD_ROLES,
    SCHOOL_TEAM,
    Dashboard,
    current_governor_actions,
    dashboard_for,
    today,
)
from analytics.services import export_recorded, governor_actions_write
from audit import services as audit
from audit.models import AuditAction
from schools.http import CairnRequest, role_required
from schools.models import Role

_REPORT_ROLES = SCHOOL_DASHBOARD_ROLES
_EXPORT_ROLES = SCHOOL_DASHBOARD_ROLES | {Role.TRUST_LEAD}
_WRITERS = [Role.DSL, Role.DEPUTY_DSL]


def _period(request: CairnRequest) -> tuple[Period, PeriodForm]:
    form = PeriodForm(request.GET or None)
    return form.period(today()), form


def _query(period: Period) -> str:
    if period.term:
        return urlencode({"term": period.term})
    return urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})


def _school_name(request: CairnRequest) -> str:
    membership = request.membership
    if membership.school is not None:
        return membership.school.name
    return membership.trust.name if membership.trust is not None else ""


def _context(request: CairnRequest, dashboard: Dashboard, form: PeriodForm) -> dict[str, object]:
    return {
        "dashboard": dashboard,
        "form": form,
        "terms": recent_terms(today()),
        "query": _query(dashboard.period),
        "suppressed": dashboard.policy.suppress,
        "below": dashboard.policy.below,
        "can_write_actions": request.membership.role in _WRITERS,
        "can_download_report": request.membership.role in _REPORT_ROLES,
    }


def _viewed(request: CairnRequest, dashboard: Dashboard) -> None:
    audit.record(
        actor=request.membership,
        action=AuditAction.ANALYTICS_VIEWED,
        request=request,
        details={
            "start": dashboard.period.start.isoformat(),
            "end": dashboard.period.end.isoformat(),
        },
    )


@require_GET
@role_required(SCHOOL_DASHBOARD_ROLES)
def school_dashboard(request: CairnRequest) -> HttpResponse:
    period, form = _period(request)
    dashboard = dashboard_for(viewer=request.membership, period=period)
    _viewed(request, dashboard)
    context = _context(request, dashboard, form)
    context["heading"] = f"Trends and patterns: {_school_name(request)}"
    if request.membership.school_id is not None:
        context["actions"] = current_governor_actions(
            school_id=request.membership.school_id, period=period
        )
    return render(request, "analytics/dashboard.html", context)


@require_GET
@role_required([Role.TRUST_LEAD])
def trust_dashboard(request: CairnRequest) -> HttpResponse:
    period, form = _period(request)
    dashboard = dashboard_for(viewer=request.membership, period=period)
    _viewed(request, dashboard)
    context = _context(request, dashboard, form)
    context["heading"] = f"Trends and patterns across {_school_name(request)}"
    return render(request, "analytics/dashboard.html", context)


@require_GET
@role_required(_EXPORT_ROLES)
def export_table(request: CairnRequest, table: str) -> HttpResponse:
    period, _form = _period(request)
    dashboard = dashboard_for(viewer=request.membership, period=period)
    chosen = dashboard.tables.get(table)
    if chosen is None:
        raise Http404
    export_recorded(
        actor=request.membership,
        action=AuditAction.ANALYTICS_EXPORTED,
        what=table,
        start=period.start,
        end=period.end,
        request=request,
    )
    body = table_csv(
        table=chosen,
        school=_school_name(request),
        period=period.label,
        exported_by=request.user.email,
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"cairn-{table}-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@role_required(_REPORT_ROLES)
def governors_report(request: CairnRequest) -> HttpResponse:
    period, _form = _period(request)
    dashboard = dashboard_for(viewer=request.membership, period=period, for_governors=True)
    assert request.membership.school_id is not None
    actions = current_governor_actions(school_id=request.membership.school_id, period=period)
    export_recorded(
        actor=request.membership,
        action=AuditAction.GOVERNORS_REPORT_EXPORTED,
        what="governors-report",
        start=period.start,
        end=period.end,
        request=request,
    )
    pdf = governors_pdf(
        dashboard=dashboard,
        school_name=_school_name(request),
        actions_text=actions.text if actions else "",
        exported_by=request.user.email,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"cairn-governors-report-{period.start}-{period.end}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@role_required(_WRITERS)
def governor_actions(request: CairnRequest) -> HttpResponse:
    period, period_form = _period(request)
    assert request.membership.school_id is not None
    current = current_governor_actions(school_id=request.membership.school_id, period=period)
    if request.method == "POST":
        form = GovernorActionsForm(request.POST)
        if form.is_valid():
            governor_actions_write(
                actor=request.membership,
                start=period.start,
                end=period.end,
                text=form.cleaned_data["text"],
                request=request,
            )
            messages.success(request, "Actions for governors saved.")
            return redirect(f"{reverse('analytics:school')}?{_query(period)}")
    else:
        form = GovernorActionsForm(initial={"text": current.text if current else ""})
    context = {
        "form": form,
        "period": period,
        "period_form": period_form,
        "current": current,
        "query": _query(period),
        "school_team": SCHOOL_TEAM,
    }
    return render(request, "analytics/actions.html", context)
