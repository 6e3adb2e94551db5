"""Finding a pupil and opening their record."""

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit import services as audit
from audit.models import AuditAction
from pupils.access import access_pupil
from pupils.selectors import PupilSearch, pupil_search
from schools.http import CairnRequest, role_required
from schools.models import Role

_CHILD_READERS = [Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.TRUST_LEAD]


@require_GET
@role_required(_CHILD_READERS)
def search(request: CairnRequest) -> HttpResponse:
    criteria = PupilSearch.from_query(request.GET)
    pupils = pupil_search(viewer=request.membership, search=criteria)
    template = "pupils/search.html#results" if request.htmx else "pupils/search.html"
    return render(request, template, {"pupils": pupils, "criteria": criteria})


@require_GET
@role_required(_CHILD_READERS)
def detail(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    pupil = access_pupil(viewer=request.membership, pupil_id=pupil_id)
    audit.record(
        actor=request.membership,
        action=AuditAction.PUPIL_VIEWED,
        target=pupil,
        pupil_id=pupil.pk,
        request=request,
    )
    enrolments = pupil.enrolments.select_related("school")
    return render(request, "pupils/detail.html", {"pupil": pupil, "enrolments": enrolments})
