"""The access log of a child's record: who looked, when."""

from uuid import UUID

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit import services as audit
from audit.models import AuditAction
from audit.selectors import access_log_for_pupil
from pupils.access import access_pupil
from schools.http import CairnRequest, role_required
from schools.models import Role


@require_GET
@role_required([Role.DSL, Role.DEPUTY_DSL])
def pupil_access_log(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    pupil = access_pupil(viewer=request.membership, pupil_id=pupil_id)
    audit.record(
        actor=request.membership,
        action=AuditAction.ACCESS_LOG_VIEWED,
        target=pupil,
        pupil_id=pupil.pk,
        request=request,
    )
    page = Paginator(access_log_for_pupil(pupil_id=pupil.pk), 50).get_page(request.GET.get("page"))
    return render(request, "audit/pupil_access_log.html", {"pupil": pupil, "page": page})
