"""The school's lists of concerns: the safeguarding team's inbox (`inbox`), the open actions
(`actions`), search (`search`) and the allegations about staff (`allegations`). The headteacher
reads every concern at the school, so lists them too (`SCHOOL_READERS`).
"""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import services as audit
from audit.models import AuditAction
from concerns import access, selectors
from concerns.forms import (
    SearchForm,
)
from concerns.models import ConcernPupil
from concerns.views.roles import DSL_TEAM
from pupils.access import child_list_read
from schools.http import CairnRequest, role_required
from schools.models import Role

# The headteacher reads every concern at the school, so lists them too; only the DSL team decides.
SCHOOL_READERS = [*DSL_TEAM, Role.HEADTEACHER]


@require_GET
@role_required(SCHOOL_READERS)
def inbox(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    concerns = list(selectors.inbox_for(viewer=viewer)[:200])
    children = Prefetch(
        "concern__parts", queryset=ConcernPupil.objects.select_related("pupil").order_by("part")
    )
    overdue = list(selectors.overdue_actions(viewer=viewer).prefetch_related(children)[:200])
    reviews = list(
        selectors.reviews_due(viewer=viewer)
        .prefetch_related(children)
        .order_by("review_date")[:200]
    )
    child_list_read(
        viewer=viewer,
        listed="concerns inbox",
        count=len(concerns) + len(overdue) + len(reviews),
        request=request,
        details={"concerns": len(concerns), "overdue": len(overdue), "reviews": len(reviews)},
    )
    return render(
        request,
        "concerns/inbox.html",
        {
            "concerns": concerns,
            "unseen": selectors.unseen_alerts(viewer=viewer),
            "overdue": overdue,
            "reviews": reviews,
            "can_triage": viewer.is_dsl_team,
            "panels": selectors.inbox_panels(viewer=viewer),
            "today": timezone.localdate(),
        },
    )


@require_GET
@role_required(DSL_TEAM)
def actions(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    open_actions = list(selectors.open_actions_for_school(viewer=viewer))
    child_list_read(viewer=viewer, listed="open actions", count=len(open_actions), request=request)
    return render(
        request,
        "concerns/actions.html",
        {"actions": open_actions, "today": timezone.localdate()},
    )


@require_GET
@role_required(SCHOOL_READERS)
def search(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    categories = selectors.categories_for(school=viewer.school)
    form = SearchForm(request.GET or None, categories=categories)
    results = None
    if form.is_valid():
        data = form.cleaned_data
        criteria = selectors.ConcernSearch(
            words=data["q"].strip(),
            category_id=data["category"].pk if data["category"] else None,
            author=data["author"].strip(),
            child=data["child"].strip(),
            start=data["start"],
            end=data["end"],
        )
        if not criteria.is_empty:
            results = list(
                selectors.concern_search(viewer=viewer, search=criteria)[: selectors.SEARCH_LIMIT]
            )
            audit.record(
                actor=viewer,
                action=AuditAction.CONCERNS_SEARCHED,
                request=request,
                details={k: str(v) for k, v in request.GET.items() if v},
            )
    template = "concerns/search.html#results" if request.htmx else "concerns/search.html"
    return render(
        request,
        template,
        {"form": form, "results": results, "limit": selectors.SEARCH_LIMIT},
    )


@require_GET
@role_required([Role.DSL, Role.HEADTEACHER])
def allegations(request: CairnRequest) -> HttpResponse:
    """The separate, restricted register of allegations about adults (LADO)."""
    viewer = request.membership
    records = access.allegations_visible_to(viewer=viewer).select_related(
        "decision__concern", "recorded_by__user"
    )
    audit.record(actor=viewer, action=AuditAction.ALLEGATION_REGISTER_VIEWED, request=request)
    return render(request, "concerns/allegations.html", {"records": records})
